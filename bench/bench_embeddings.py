"""B3: embedding throughput (sentences/s) and commit throughput (memories/s incl. dedup).

Peers in the same run: a plain onnxruntime loop over the same model files (default session
options, batches in input order), and Chroma's ``DefaultEmbeddingFunction`` only when its model
is already in Chroma's cache (never downloaded here).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from common import median_rate, sentences, write

from agent_session_memory.clock import SystemClock
from agent_session_memory.config import Settings
from agent_session_memory.embeddings import MiniLMEmbedder
from agent_session_memory.embeddings.minilm import load_tokenizer, mean_pool
from agent_session_memory.engine.candidates import Candidate
from agent_session_memory.engine.longterm import LongTermMemory

N = 512


def raw_onnx(files: object, batch: int) -> object:
    import onnxruntime as ort

    session = ort.InferenceSession(str(files.model), providers=["CPUExecutionProvider"])  # type: ignore[attr-defined]
    tok = load_tokenizer(files.tokenizer)  # type: ignore[attr-defined]

    def run(texts: list[str]) -> int:
        for i in range(0, len(texts), batch):
            enc = tok.encode_batch(texts[i : i + batch])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            out = session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )[0]
            mean_pool(out, mask)
        return len(texts)

    return run


def chroma_default() -> object | None:
    cache = Path("~/.cache/chroma/onnx_models/all-MiniLM-L6-v2").expanduser()
    if not cache.exists():
        print(
            f"Chroma DefaultEmbeddingFunction skipped: its model is not cached at {cache} "
            "(this bench never downloads)"
        )
        return None
    from chromadb.utils.embedding_functions import DefaultEmbeddingFunction

    return DefaultEmbeddingFunction()


def committed(text: str, round_: int) -> str:
    """A candidate's content in commit round ``round_`` (new each round: nothing deduplicates)."""
    return f"{text} (round {round_})"


def commit_rate(embedder: MiniLMEmbedder, texts: list[str]) -> float:
    home = Path(tempfile.mkdtemp(prefix="b3-"))
    lt = LongTermMemory(
        Settings(home=home),
        clock=SystemClock(),
        emit=lambda e: None,
        event=lambda *a, **k: None,
        embedding_function=embedder,
    )
    state = {"round": 0}
    lt.commit("ws", "warm", [Candidate("ws", "warm", "k", 1, "warm", "warm up", 0.7)], True)

    def run() -> int:
        state["round"] += 1
        r = state["round"]
        for i in range(0, len(texts), 32):
            cands = [
                Candidate("ws", f"s{r}", f"k{r}-{j}", 1, t, committed(t, r), 0.7)
                for j, t in enumerate(texts[i : i + 32], start=i)
            ]
            lt.commit("ws", f"s{r}", cands, True)
        return len(texts)

    rate = median_rate(run)
    lt.close()
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=N, help="texts embedded per round")
    n = parser.parse_args().sentences
    texts = sentences(n)
    result: dict[str, object] = {
        "benchmark": "B3 embeddings",
        "sentences": n,
        "command": f"python bench/bench_embeddings.py --sentences {n}",
    }
    for batch in (32, 256):
        ours = MiniLMEmbedder(batch_size=batch)
        ours.embed(texts[:8])
        raw = raw_onnx(ours.files, batch)
        raw(texts[:8])  # type: ignore[operator]
        result[f"batch{batch}"] = {
            "minilm_embedder": round(median_rate(lambda e=ours: len(e.embed(texts))), 1),
            "raw_onnxruntime": round(median_rate(lambda r=raw: r(texts)), 1),  # type: ignore[misc]
        }
    peer = chroma_default()
    if peer is not None:
        result["chroma_default_ef"] = round(median_rate(lambda: len(peer(texts))), 1)  # type: ignore[operator]
    t = time.perf_counter()
    embedder = MiniLMEmbedder()
    # The texts the commit embeds: each candidate's content (``commit_rate``).
    contents = [committed(text, 0) for text in texts[:256]]
    result["embed_256_same_run"] = round(median_rate(lambda: len(embedder.embed(contents))), 1)
    result["commit_memories_per_s"] = round(commit_rate(embedder, texts[:256]), 1)
    result["seconds"] = round(time.perf_counter() - t, 1)
    write("embeddings", result, verbose=True)


if __name__ == "__main__":
    main()
