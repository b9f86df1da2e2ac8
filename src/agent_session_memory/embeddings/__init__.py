"""Sentence embeddings: the default all-MiniLM-L6-v2 on onnxruntime, and adapters for others."""

from .adapters import Embedder, as_embedder
from .locate import ModelFiles, locate_model
from .minilm import MiniLMEmbedder

__all__ = ["Embedder", "MiniLMEmbedder", "ModelFiles", "as_embedder", "locate_model"]
