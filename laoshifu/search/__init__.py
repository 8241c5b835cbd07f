"""Lexical search over units: BM25F passages, sentence ranking, fusion seam."""

from laoshifu.search.fusion import Retriever, fuse
from laoshifu.search.hits import SentenceHit, UnitHit
from laoshifu.search.index import Index, RankingParams, build_index

__all__ = ["Index", "RankingParams", "Retriever", "SentenceHit", "UnitHit", "build_index", "fuse"]
