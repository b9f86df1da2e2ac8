"""The key store's contract, on both backends (a SQLite file, a fresh PostgreSQL database): keys
are stored hashed, verified exactly, scoped, revoked at once for every opener of the storage."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from agent_session_memory.config import Settings
from agent_session_memory.errors import InvalidInput, NotFound
from agent_session_memory.server.keys import TOKEN, KeyStore, open_keys
from tests.server.conftest import OpenRows


def test_a_created_key_verifies_and_only_its_hash_is_stored(key_storage: OpenRows) -> None:
    keys = KeyStore(key_storage())
    key, token = keys.create(["a", "b", "a"], "ci")
    assert TOKEN.fullmatch(token) and token.startswith(f"asm_{key.id}_")
    assert (key.name, key.workspaces, key.revoked_at) == ("ci", ("a", "b"), None)
    assert keys.verify(token) == key
    secret = token.split("_", 2)[2]
    found = keys.rows.lookup(key.id)
    assert found is not None
    assert found[1] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(found) + repr(keys.list())


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # wrong secret
        lambda t: "asm_000000000000_" + t.split("_", 2)[2],  # unknown id
        lambda t: t + "x",  # malformed
        lambda t: "",
    ],
    ids=["wrong-secret", "unknown-id", "malformed", "empty"],
)
def test_anything_but_the_exact_token_is_refused(
    key_storage: OpenRows, mangle: Callable[[str], str]
) -> None:
    keys = KeyStore(key_storage())
    _, token = keys.create(["a"])
    assert keys.verify(mangle(token)) is None


@pytest.mark.parametrize("workspaces", [[], ["bad workspace!"]])
def test_a_key_needs_valid_workspaces(key_storage: OpenRows, workspaces: list[str]) -> None:
    keys = KeyStore(key_storage())
    with pytest.raises(InvalidInput):
        keys.create(workspaces)
    assert keys.list() == []


def test_keys_are_listed_oldest_first_and_revoked_by_id_or_unique_name(
    key_storage: OpenRows,
) -> None:
    keys = KeyStore(key_storage())
    first, _ = keys.create(["a"], "twin")
    second, _ = keys.create(["b"], "twin")
    third, token = keys.create(["c"])
    assert [k.id for k in keys.list()] == [first.id, second.id, third.id]
    assert third.name == f"key-{third.id}"
    with pytest.raises(NotFound, match="2 keys"):
        keys.revoke("twin")
    with pytest.raises(NotFound, match="0 keys"):
        keys.revoke("nobody")
    assert keys.revoke(third.name) == third
    assert keys.verify(token) is None
    assert keys.revoke(first.id) == first
    assert [k.revoked_at is not None for k in keys.list()] == [True, False, True]


def test_every_opener_sees_a_create_and_a_revoke_at_once(key_storage: OpenRows) -> None:
    """Two openers of one storage stand for two server processes: nothing is cached."""
    here, there = KeyStore(key_storage()), KeyStore(key_storage())
    assert there.verify("asm_000000000000_" + "x" * 32) is None
    key, token = here.create(["a"], "shared")
    assert there.verify(token) == key
    there.revoke("shared")
    assert here.verify(token) is None
    assert [k.revoked_at is not None for k in here.list()] == [True]


def test_the_keys_file_wins_then_server_modes_postgresql_then_the_home(
    tmp_path: Path, postgres_admin: str
) -> None:
    from tests.postgres_server import fresh_database

    with fresh_database(postgres_admin) as url:
        server_mode = Settings(home=tmp_path / "home", lexical_url=url)
        explicit = open_keys(server_mode, {"AGENT_MEMORY_KEYS_DB": str(tmp_path / "k.db")})
        shared = open_keys(server_mode, {})
        try:
            assert explicit.where == str(tmp_path / "k.db")
            assert shared.where.startswith("PostgreSQL at 127.0.0.1:")
            assert url.rsplit("/", 1)[1] in shared.where
        finally:
            explicit.close()
            shared.close()
    embedded = open_keys(Settings(home=tmp_path / "home"), {})
    assert embedded.where == str(tmp_path / "home" / "keys.db")
    embedded.close()
