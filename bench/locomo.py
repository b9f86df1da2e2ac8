"""B5: recall quality on LoCoMo (evidence recall@1/5/10/25), hybrid vs BM25 vs dense-only.

Usage: ``python bench/locomo.py [path] [--conversations N]`` (default
``../shared/eval/locomo-dev.json`` relative to the repository root, or ``$LOCOMO_PATH``). A path
to the LoCoMo repository's ``data/locomo10.zip`` measures the five conversations outside the dev
split instead (held out: nothing was ever tuned on them). The data is CC BY-NC: it is read from
that path, never copied into the repository. Every turn is remembered as
``[<session date>] <speaker>: <text>`` (plus the image caption), with its LoCoMo session as
``session_id`` (so recall sees its session context), in one workspace per conversation; each
question of categories 1-4 is recalled in its conversation's workspace.
Dense and lexical lists are fetched once per question, so the fusion variants in ``VARIANTS``
are compared on exactly the same candidates. ``recall`` itself (``hybrid_recall``) ranks by
absolute relevance (``relevance.py``) lifted by session context (``session_context.py``);
the variants rank the candidates without context: ``abs_w*`` are the relevance at other
lexical weights, and
``loco_cv`` tunes the weight on four conversations and tests it on the fifth (each conversation
held out once): the figure for conversations never tuned on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from agent_session_memory.config import Settings  # noqa: E402
from agent_session_memory.engine.longterm import LongTermMemory  # noqa: E402
from agent_session_memory.stores.longterm.filters import MemoryFilter  # noqa: E402
from agent_session_memory.stores.longterm.fusion import FusionConfig, fuse  # noqa: E402
from agent_session_memory.stores.longterm.relevance import (  # noqa: E402
    QueryTerms,
    RelevanceConfig,
    score,
    semantic_part,
)

KS = (1, 5, 10, 25)
#: The dev split's conversations (``../shared/eval/README.md``); LoCoMo's other five are held out.
DEV_SPLIT = {"conv-26", "conv-30", "conv-41", "conv-42", "conv-43"}
EVIDENCE = re.compile(r"D:?(\d+):0*(\d+)")
VARIANTS = {
    "rrf_k60": FusionConfig(method="rrf"),
    "rrf_k10": FusionConfig(method="rrf", rrf_k=10),
    "rrf_k5": FusionConfig(method="rrf", rrf_k=5),
    "rrf_k10_lex1.5": FusionConfig(method="rrf", rrf_k=10, lexical_weight=1.5),
    "score": FusionConfig(method="score", lexical_weight=1.0),
    "score_lex1.25": FusionConfig(method="score", lexical_weight=1.25),
    "score_lex1.5": FusionConfig(method="score", lexical_weight=1.5),
    "score_lex2": FusionConfig(method="score", lexical_weight=2.0),
    "score_dense1.5": FusionConfig(method="score", dense_weight=1.5),
    "scaled": FusionConfig(method="scaled"),
    "score_floor0.3": FusionConfig(method="score", dense_floor=0.3),
    "score_floor0.2": FusionConfig(method="score", dense_floor=0.2),
    "score_floor0.1": FusionConfig(method="score", dense_floor=0.1),
    "score_lex1.5_d50": FusionConfig(method="score", lexical_weight=1.5, depth=50),
    "score_lex1.5_d25": FusionConfig(method="score", lexical_weight=1.5, depth=25),
}


def evidence_ids(raw: list[str]) -> set[str]:
    out = set()
    for item in raw:
        for part in re.split(r"[;\s]+", item):
            m = EVIDENCE.search(part)
            if m:
                out.add(f"D{int(m.group(1))}:{int(m.group(2))}")
    return out


def turns(conv: dict[str, Any]) -> list[tuple[str, str]]:
    """``(dia_id, text)`` for every turn, date-prefixed."""
    out = []
    n = 1
    while f"session_{n}" in conv:
        date = conv.get(f"session_{n}_date_time", "")
        for t in conv[f"session_{n}"]:
            text = f"[{date}] {t['speaker']}: {t['text']}"
            if t.get("blip_caption"):
                text += f" (image: {t['blip_caption']})"
            m = EVIDENCE.search(t["dia_id"])
            dia = f"D{int(m.group(1))}:{int(m.group(2))}" if m else t["dia_id"]
            out.append((dia, text))
        n += 1
    return out


def conversations_in(path: Path) -> list[dict[str, Any]]:
    """A JSON list of conversations (the dev split's format), or the held-out ones of LoCoMo's
    ``locomo10.zip`` (one flat JSON file per conversation there), in the same format."""
    if path.suffix != ".zip":
        return list(json.loads(path.read_text()))
    out = []
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            found = re.search(r"/(\d+)\.json$", name)
            if found is None or f"conv-{found.group(1)}" in DEV_SPLIT:
                continue
            raw = json.loads(archive.read(name))
            dialogue = {
                k: v
                for k, v in raw.items()
                if k in ("speaker_a", "speaker_b") or re.fullmatch(r"session_\d+(_date_time)?", k)
            }
            out.append(
                {"sample_id": f"conv-{found.group(1)}", "conversation": dialogue, "qa": raw["qa"]}
            )
    return out


def recall_at(ranked: list[str], gold: set[str]) -> dict[int, float]:
    return {k: len(gold & set(ranked[:k])) / len(gold) for k in KS}


class Scores:
    def __init__(self) -> None:
        self.rows: list[tuple[int, dict[int, float]]] = []

    def add(self, category: int, r: dict[int, float]) -> None:
        self.rows.append((category, r))

    def table(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for name, cats in [("all", {1, 2, 3, 4}), *[(f"cat{c}", {c}) for c in (1, 2, 3, 4)]]:
            rows = [r for c, r in self.rows if c in cats]
            out[name] = {f"R@{k}": round(float(np.mean([r[k] for r in rows])), 4) for k in KS}
            out[name]["n"] = len(rows)
        return out


LEXICAL_WEIGHTS = (0.25, 0.35, 0.5, 0.7, 1.0, 1.5)
Parts = dict[str, tuple[float, float]]  # memory id -> (semantic, lexical)


def absolute_parts(
    lt: LongTermMemory, ws: str, q: str, vec: Any, dense: Any, lexical: Any
) -> Parts:
    """Each candidate's two absolute parts, as ``recall`` computes them (exact cosines)."""
    cosines = dict(dense)
    missing = [i for i, _ in lexical if i not in cosines]
    vectors = lt.store.get_vectors(ws, missing) if missing else {}
    for i in missing:
        v = vectors[i]
        cosines[i] = float(np.dot(v, vec) / (np.linalg.norm(v) * np.linalg.norm(vec)))
    terms = QueryTerms.of(q, *lt.store.term_counts(ws, q))
    rows = lt.store.get_rows(ws, list(cosines))
    return {i: (semantic_part(c), terms.coverage(rows[i].content)) for i, c in cosines.items()}


def rank_absolute(parts: Parts, weight: float) -> list[str]:
    config = RelevanceConfig(lexical_weight=weight)
    return sorted(parts, key=lambda i: -score(*parts[i], config))


def leave_one_out(
    questions: list[tuple[int, int, set[str], Parts, dict[str, str]]],
) -> tuple[Scores, list[float]]:
    """Tune the lexical weight on every conversation but one, test on that one, for each."""
    out = Scores()
    chosen = []
    for held in sorted({conv for conv, *_ in questions}):
        train = [x for x in questions if x[0] != held]

        def r10(weight: float, rows: list[Any] = train) -> float:
            return float(
                np.mean(
                    [
                        recall_at([d[i] for i in rank_absolute(p, weight)], g)[10]
                        for _, _, g, p, d in rows
                    ]
                )
            )

        best = max(LEXICAL_WEIGHTS, key=r10)
        chosen.append(best)
        for _, cat, gold, parts, dia in (x for x in questions if x[0] == held):
            out.add(cat, recall_at([dia[i] for i in rank_absolute(parts, best)], gold))
    return out, chosen


def bm25_ranker(texts: list[str]) -> Any:
    from rank_bm25 import BM25Okapi

    tok = re.compile(r"\w+")
    bm25 = BM25Okapi([tok.findall(t.lower()) for t in texts])

    def rank(query: str) -> list[int]:
        scores = bm25.get_scores(tok.findall(query.lower()))
        return [int(i) for i in np.argsort(-scores, kind="stable")[: max(KS)]]

    return rank


def run(path: Path, conversations: int | None = None) -> dict[str, Any]:
    data = conversations_in(path)[:conversations]
    home = Path(tempfile.mkdtemp(prefix="locomo-"))
    lt = LongTermMemory(  # AGENT_MEMORY_LEXICAL_URL=postgresql://...: server mode's lexical half
        Settings.from_env(home=home),
        clock=_Clock(),
        emit=lambda e: None,
        event=lambda *a, **k: None,
    )
    weights = {f"abs_w{w}": w for w in LEXICAL_WEIGHTS}
    names = ["hybrid_recall", "bm25", "dense", "fts5", *VARIANTS, *weights]
    scores = {name: Scores() for name in names}
    questions: list[tuple[int, int, set[str], Parts, dict[str, str]]] = []
    started = time.perf_counter()
    n_turns = 0
    flt = MemoryFilter()
    for number, conv in enumerate(data):
        ws = re.sub(r"[^A-Za-z0-9._-]", "_", conv["sample_id"])
        pairs = turns(conv["conversation"])
        n_turns += len(pairs)
        records = [
            {
                "id": f"m{i}",
                "workspace_id": ws,
                "content": text,
                "metadata": {"dia": dia},
                "session_id": dia.split(":")[0],  # the LoCoMo session: "D3" of "D3:5"
            }
            for i, (dia, text) in enumerate(pairs)
        ]
        lt.import_(ws, records)
        dia_of = {f"m{i}": dia for i, (dia, _) in enumerate(pairs)}
        bm25 = bm25_ranker([t for _, t in pairs])
        for qa in conv["qa"]:
            cat, gold = int(qa["category"]), evidence_ids(qa.get("evidence", []))
            if cat not in (1, 2, 3, 4) or not gold:
                continue
            q = qa["question"]
            hits = lt.recall(ws, q, max(KS), flt)
            scores["hybrid_recall"].add(cat, recall_at([dia_of[h.memory.id] for h in hits], gold))
            scores["bm25"].add(cat, recall_at([pairs[i][0] for i in bm25(q)], gold))
            vec = lt.embedder.embed([q])[0]
            dense = lt.store.chroma.query(ws, vec, 100, flt.chroma_where())
            lexical = lt.store.search_text(ws, q, 100, flt)
            scores["dense"].add(cat, recall_at([dia_of[i] for i, _ in dense], gold))
            scores["fts5"].add(cat, recall_at([dia_of[i] for i, _ in lexical], gold))
            for name, cfg in VARIANTS.items():
                fused = fuse(dense[: cfg.depth], lexical[: cfg.depth], cfg)
                ranked = sorted(fused, key=lambda i, f=fused: -f[i])
                scores[name].add(cat, recall_at([dia_of[i] for i in ranked], gold))
            parts = absolute_parts(lt, ws, q, vec, dense, lexical)
            questions.append((number, cat, gold, parts, dia_of))
            for name, weight in weights.items():
                ranked = rank_absolute(parts, weight)
                scores[name].add(cat, recall_at([dia_of[i] for i in ranked], gold))
    lt.close()
    scores["loco_cv"], chosen = leave_one_out(questions)
    return {
        "benchmark": "B5 LoCoMo evidence recall",
        "data": str(path),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "command": "python bench/locomo.py",
        "conversations": len(data),
        "turns": n_turns,
        "seconds": round(time.perf_counter() - started, 1),
        "results": {name: s.table() for name, s in scores.items()},
        "loco_cv_weights": chosen,
    }


class _Clock:
    def now(self) -> float:
        return time.time()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "path",
        nargs="?",
        default=os.environ.get("LOCOMO_PATH") or str(ROOT / "../shared/eval/locomo-dev.json"),
    )
    parser.add_argument("--conversations", type=int, help="only the first N (a quick run)")
    args = parser.parse_args()
    path = Path(args.path).resolve()
    if not path.is_file():
        print(f"B5 skipped: LoCoMo data not found at {path} (pass a path or set LOCOMO_PATH)")
        return 0
    result = run(path, args.conversations)
    server_mode = (os.environ.get("AGENT_MEMORY_LEXICAL_URL") or "").startswith("postgres")
    name = "locomo-heldout" if path.suffix == ".zip" else "locomo"
    out = ROOT / "bench" / "results" / (f"{name}-postgres.json" if server_mode else f"{name}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    header = "".join(f"{'R@' + str(k):>8}" for k in KS)
    print(f"{'method':<18}{header}   R@10 per cat 1/2/3/4")
    for name, table in result["results"].items():
        cats = " ".join(f"{table[f'cat{c}']['R@10']:.3f}" for c in (1, 2, 3, 4))
        print(f"{name:<18}" + "".join(f"{table['all'][f'R@{k}']:>8.3f}" for k in KS) + f"   {cats}")
    print(f"loco_cv: lexical weight chosen per held-out conversation {result['loco_cv_weights']}")
    print(f"{result['turns']} turns, {result['seconds']} s -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
