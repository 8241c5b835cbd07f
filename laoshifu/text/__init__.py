"""Text pipeline: normalisation, sentence splitting and segmentation."""

from laoshifu.text.normalize import normalize
from laoshifu.text.segment import Analyzer, lexicon_from_units
from laoshifu.text.sentences import Sentence, split_sentences

__all__ = ["Analyzer", "Sentence", "lexicon_from_units", "normalize", "split_sentences"]
