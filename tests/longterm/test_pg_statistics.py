"""BM25's statistics in PostgreSQL are kept on write (``pg_schema``'s trigger): after any mix of
inserts, rewrites and deletes, by one connection or many at once, and after the migration that
introduced them, they equal a recount of the rows."""

from __future__ import annotations

import random
import threading

import psycopg

from agent_session_memory.stores.longterm.pg_lexical import lexemes, statistics
from agent_session_memory.stores.longterm.pg_rows import PostgresRows

from ..postgres_server import fresh_database
from .fakes import memory_row, pg_recount, postgres_at_version

WORDS = [
    "postgres",
    "redis",
    "chroma",
    "replica",
    "backup",
    "billing",
    "invoice",
    "deploy",
    "rollback",
    "schema",
]


def _assert_kept(url: str, workspace_id: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        found = lexemes(conn, workspace_id, " ".join(WORDS))
        kept = statistics(conn, workspace_id, found)
    rows, mean, df = pg_recount(url, workspace_id, found)
    assert (kept[0], kept[2]) == (rows, df)
    assert abs(kept[1] - mean) < 1e-9


def test_statistics_follow_inserts_rewrites_and_deletes_by_any_connection(
    postgres_admin: str,
) -> None:
    with fresh_database(postgres_admin) as url:
        one, other = PostgresRows(url), PostgresRows(url)
        try:
            one.put("a", [memory_row("a", "m1", "postgres replica backup")], [], False)
            other.put("a", [memory_row("a", "m2", "redis backup backup billing")], [], False)
            one.put("b", [memory_row("b", "m1", "chroma schema")], [], False)
            _assert_kept(url, "a")
            assert one.term_counts("a", "backup chroma") == (2, [2, 0])
            other.put("a", [memory_row("a", "m1", "chroma deploy")], [], False)  # rewritten
            assert one.term_counts("a", "backup chroma") == (2, [1, 1])
            other.mark_done("a", ["m1", "m2"])  # no content change: nothing counted twice
            _assert_kept(url, "a")
            one.remove("a", ["m2"])
            assert other.term_counts("a", "backup chroma") == (1, [0, 1])
            assert one.count("a") == 1 and one.count("nowhere") == 0
            _assert_kept(url, "a")
            _assert_kept(url, "b")
        finally:
            one.close()
            other.close()


def test_concurrent_writers_of_one_workspace_keep_exact_statistics(postgres_admin: str) -> None:
    """Multi-row writes whose rows share lexemes in every order, at once: no deadlock, no lost
    count (the trigger's per-workspace transaction lock orders them)."""
    errors: list[BaseException] = []
    with fresh_database(postgres_admin) as url:
        stores = [PostgresRows(url) for _ in range(4)]

        def write(n: int, rows: PostgresRows) -> None:
            rng = random.Random(n)
            try:
                for batch in range(20):
                    memories = [
                        memory_row("w", f"t{n}-{batch}-{i}", " ".join(rng.sample(WORDS, 4)))
                        for i in range(20)
                    ]
                    rows.put("w", memories, [], False)
                    if batch % 3 == 2:
                        rows.remove("w", [memories[0].id, f"t{(n + 1) % 4}-{batch - 1}-1"])
            except BaseException as exc:  # a deadlock would surface here
                errors.append(exc)

        threads = [threading.Thread(target=write, args=(n, s)) for n, s in enumerate(stores)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for rows in stores:
            rows.close()
        assert errors == []
        _assert_kept(url, "w")


def test_the_migration_counts_rows_written_before_it(postgres_admin: str) -> None:
    with fresh_database(postgres_admin) as url:
        postgres_at_version(url, 2, "a", ["postgres backup", "backup billing billing", "redis"])
        PostgresRows(url).close()
        _assert_kept(url, "a")
        rows = PostgresRows(url)
        try:
            assert rows.term_counts("a", "backup redis") == (3, [2, 1])
        finally:
            rows.close()
