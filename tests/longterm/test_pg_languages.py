"""In server mode each workspace's words are stemmed in its own language (``languages.py``): the
PostgreSQL index finds "chevaux" for "cheval" in a French workspace, recall's lexical score
agrees, the language of a workspace's first write stays, and a bad language is refused at start."""

from __future__ import annotations

import logging
import threading
import uuid
from pathlib import Path

import psycopg
import pytest

from agent_session_memory.cli.main import main
from agent_session_memory.config import Settings
from agent_session_memory.engine import Engine
from agent_session_memory.errors import ConfigurationError
from agent_session_memory.languages import LexicalLanguages
from agent_session_memory.stores.longterm.filters import MemoryFilter
from agent_session_memory.stores.longterm.pg_lexical import lexemes, statistics
from agent_session_memory.stores.longterm.pg_rows import PostgresRows
from agent_session_memory.stores.longterm.relevance import QueryTerms

from ..postgres_server import fresh_database
from .fakes import memory_row, pg_recount, postgres_at_version

FRENCH = "Les chevaux mangeaient du foin dans les prairies"
GERMAN = "Die Häuser am See wurden im Sommer verkauft"


def _ws(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


def _found(rows: PostgresRows, workspace_id: str, query: str) -> list[str]:
    return [i for i, _ in rows.search(workspace_id, query, 10, MemoryFilter())]


def test_each_workspace_is_indexed_and_queried_in_its_own_language(postgres_url: str) -> None:
    fr, de, en = _ws("fr"), _ws("de"), _ws("en")
    rows = PostgresRows(
        postgres_url, languages=LexicalLanguages("english", {fr: "french", de: "german"})
    )
    try:
        for workspace_id, text in ((fr, FRENCH), (de, GERMAN), (en, FRENCH), (en, GERMAN)):
            rows.put(workspace_id, [memory_row(workspace_id, f"m-{text[:3]}", text)], [], False)
        assert _found(rows, fr, "cheval prairie") == ["m-Les"]
        assert _found(rows, de, "Haus verkaufen") == ["m-Die"]
        # English stemming leaves both pairs apart: the same texts are not found that way.
        assert _found(rows, en, "cheval") == []
        assert _found(rows, en, "Haus verkaufen") == []
        assert rows.term_counts(fr, "cheval prairie") == (1, [1, 1])
        assert [rows.lexical_language(w) for w in (fr, de, en)] == ["french", "german", "english"]
    finally:
        rows.close()


def test_recalls_lexical_score_compares_words_as_the_workspace_index_does(
    tmp_path: Path, postgres_url: str, chroma_server: str
) -> None:
    workspace_id = _ws("fr")
    engine = Engine(
        Settings(
            home=tmp_path,
            session_store_url="memory://",
            lexical_url=postgres_url,
            chroma_url=chroma_server,
            workspace_id=workspace_id,
            lexical_languages=LexicalLanguages("english", {workspace_id: "french"}),
        )
    )
    try:
        memory = engine.memories.remember(FRENCH)
        engine.memories.remember("Le rapport trimestriel est prêt")
        [hit, *_] = engine.memories.recall("cheval prairie", k=2)
        assert hit.memory.id == memory.id
        assert hit.lexical_score == pytest.approx(1.0)  # both words, as French stems them
    finally:
        engine.close()


def test_snowball_coverage_needs_no_common_prefix() -> None:
    terms = QueryTerms.of("Haus", 10, [1], "german")
    assert terms.coverage(GERMAN) == pytest.approx(1.0)  # "häuser" stems to "haus"
    assert QueryTerms.of("Haus", 10, [1]).coverage(GERMAN) == 0.0  # English keeps them apart


def test_a_workspace_keeps_the_language_of_its_first_write(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    workspace_id = _ws("fr")
    first = PostgresRows(postgres_url, languages=LexicalLanguages("french"))
    later = PostgresRows(postgres_url)  # configured English, as after a settings change
    try:
        first.put(workspace_id, [memory_row(workspace_id, "a", FRENCH)], [], False)
        with caplog.at_level(logging.WARNING):
            later.put(workspace_id, [memory_row(workspace_id, "b", "Un cheval blanc")], [], False)
            later.put(workspace_id, [memory_row(workspace_id, "c", "Deux chevaux")], [], False)
        assert sorted(_found(later, workspace_id, "chevaux")) == ["a", "b", "c"]
        assert later.lexical_language(workspace_id) == "french"
        warnings = [r.getMessage() for r in caplog.records if workspace_id in r.getMessage()]
        assert len(warnings) == 1 and "french" in warnings[0] and "english" in warnings[0]
    finally:
        first.close()
        later.close()


def test_languages_are_checked_when_the_settings_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AGENT_MEMORY_LEXICAL_LANGUAGE", "German")
    monkeypatch.setenv("AGENT_MEMORY_WORKSPACE_LANGUAGES", "team-fr=french, team-es = spanish")
    languages = Settings.from_env().lexical_languages
    assert (languages.of("team-fr"), languages.of("team-es"), languages.of("x")) == (
        "french",
        "spanish",
        "german",
    )
    monkeypatch.setenv("AGENT_MEMORY_LEXICAL_LANGUAGE", "klingon")
    with pytest.raises(ConfigurationError, match="'klingon' is not a stemming language"):
        Settings.from_env()
    monkeypatch.setenv("AGENT_MEMORY_LEXICAL_LANGUAGE", "english")
    monkeypatch.setenv("AGENT_MEMORY_WORKSPACE_LANGUAGES", "team-fr:french")
    with pytest.raises(ConfigurationError, match="'team-fr:french' is not workspace=language"):
        Settings.from_env()
    with pytest.raises(ConfigurationError, match="workspace 'w'"):
        LexicalLanguages("english", {"w": "elvish"})


def test_a_language_the_database_lacks_is_refused_at_start(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        PostgresRows(postgres_url).close()  # migrated
        conn.execute("ALTER TEXT SEARCH CONFIGURATION asm_yiddish RENAME TO asm_yiddish_gone")
        try:
            with pytest.raises(ConfigurationError, match="no stemmer for yiddish"):
                PostgresRows(postgres_url, languages=LexicalLanguages("yiddish"))
        finally:
            conn.execute("ALTER TEXT SEARCH CONFIGURATION asm_yiddish_gone RENAME TO asm_yiddish")


def test_rows_written_before_languages_stay_english_and_counted(postgres_admin: str) -> None:
    with fresh_database(postgres_admin) as url:
        postgres_at_version(url, 4, "a", ["deployed the backups", "backup billing", "redis"])
        # Settings now say French: the workspace written before stays English.
        rows = PostgresRows(url, languages=LexicalLanguages("french"))
        try:
            assert rows.lexical_language("a") == "english"
            assert rows.term_counts("a", "backup deploying") == (3, [2, 1])
            assert sorted(_found(rows, "a", "deploying backup")) == ["m0", "m1"]
            rows.put("b", [memory_row("b", "x", FRENCH)], [], False)
            assert rows.lexical_language("b") == "french"
        finally:
            rows.close()


def test_asm_language_re_indexes_a_workspace_with_exact_statistics(
    tmp_path: Path,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    workspace_id = _ws("was-en")
    rows = PostgresRows(postgres_url)  # written in English first
    try:
        texts = [FRENCH, "Un cheval blanc", "Deux chevaux noirs", "The horses ate hay"]
        rows.put(
            workspace_id,
            [memory_row(workspace_id, f"m{i}", t) for i, t in enumerate(texts)],
            [],
            False,
        )
        assert sorted(_found(rows, workspace_id, "chevaux")) == ["m0", "m2"]
        monkeypatch.setenv("AGENT_MEMORY_HOME", str(tmp_path))
        monkeypatch.setenv("AGENT_MEMORY_LEXICAL_URL", postgres_url)
        assert main(["--workspace", workspace_id, "language", "french"]) == 0
        assert "4 memories re-indexed" in capsys.readouterr().out
        assert sorted(_found(rows, workspace_id, "chevaux")) == ["m0", "m1", "m2"]
        assert rows.lexical_language(workspace_id) == "french"
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            found = lexemes(conn, workspace_id, "chevaux noirs prairies")
            kept = statistics(conn, workspace_id, found)
        _, _, recount = pg_recount(postgres_url, workspace_id, found)
        assert (kept[0], kept[2]) == (4, recount) and recount == [3, 1, 1]
        assert main(["--workspace", workspace_id, "language", "elvish"]) == 2
        assert "'elvish' is not a stemming language" in capsys.readouterr().err
        assert main(["--workspace", "../etc", "language", "french"]) == 2
        assert "invalid_input" in capsys.readouterr().err
        monkeypatch.delenv("AGENT_MEMORY_LEXICAL_URL")
        assert main(["--workspace", workspace_id, "language", "french"]) == 2
        assert "server-mode setting" in capsys.readouterr().err
    finally:
        rows.close()


def test_a_write_during_a_language_change_lands_in_the_new_language(postgres_url: str) -> None:
    workspace_id = _ws("switch")
    rows = PostgresRows(postgres_url)
    try:
        rows.put(workspace_id, [memory_row(workspace_id, "a", "Un cheval")], [], False)
        with psycopg.connect(postgres_url) as changing:  # ``set_language`` half-way
            changing.execute("LOCK TABLE workspace_languages IN SHARE ROW EXCLUSIVE MODE")
            changing.execute(
                "UPDATE workspace_languages SET config = 'asm_french' WHERE workspace_id = %s",
                (workspace_id,),
            )
            writer = threading.Thread(
                target=rows.put,
                args=(workspace_id, [memory_row(workspace_id, "b", "Deux chevaux")], [], False),
            )
            writer.start()
            writer.join(timeout=1)
            assert writer.is_alive()  # the write waits for the change
            changing.commit()
        writer.join(timeout=10)
        # "b" in French ("chevaux" -> "cheval"); "a" stays English, as the change did not touch it
        assert sorted(_found(rows, workspace_id, "cheval")) == ["a", "b"]
    finally:
        rows.close()
