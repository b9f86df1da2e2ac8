"""The language each workspace's words are stemmed in by the server-mode lexical index.

Stemming is what lets "Haus" find "Häuser" or "cheval" find "chevaux", and a stemmer is
language-specific: English rules leave both pairs apart. PostgreSQL ships a Snowball stemmer for
each language below (``simple`` only lower-cases), so in server mode each workspace is indexed
in its own language. The settings name the language of a workspace's first write; after that the
database keeps it (``pg_schema``'s ``workspace_languages``), so processes configured differently
still index and query a workspace alike. Embedded SQLite FTS5 has one stemmer, Porter's English,
for every workspace.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import ConfigurationError

#: PostgreSQL 15's Snowball stemmers (``pg_ts_config``), and ``simple`` (no stemming).
_LANGUAGES = """
    arabic armenian basque catalan danish dutch english finnish french german greek hindi
    hungarian indonesian irish italian lithuanian nepali norwegian portuguese romanian russian
    serbian simple spanish swedish tamil turkish yiddish
"""
LANGUAGES = frozenset(_LANGUAGES.split())
DEFAULT_LANGUAGE = "english"


def checked(language: str, where: str) -> str:
    if language not in LANGUAGES:
        raise ConfigurationError(
            f"{where}: {language!r} is not a stemming language; use one of "
            + ", ".join(sorted(LANGUAGES))
        )
    return language


@dataclass(frozen=True, slots=True)
class LexicalLanguages:
    """``default`` for every workspace, but those ``workspaces`` names."""

    default: str = DEFAULT_LANGUAGE
    workspaces: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        checked(self.default, "lexical language")
        for workspace_id, language in self.workspaces.items():
            checked(language, f"lexical language of workspace {workspace_id!r}")

    def of(self, workspace_id: str) -> str:
        return self.workspaces.get(workspace_id, self.default)

    @classmethod
    def parse(cls, default: str | None, workspaces: str | None) -> LexicalLanguages:
        """From ``AGENT_MEMORY_LEXICAL_LANGUAGE`` (``german``) and
        ``AGENT_MEMORY_WORKSPACE_LANGUAGES`` (``team-fr=french,team-de=german``)."""
        named: dict[str, str] = {}
        for item in (workspaces or "").split(","):
            if not item.strip():
                continue
            workspace_id, sep, language = (part.strip() for part in item.partition("="))
            if not sep or not workspace_id:
                raise ConfigurationError(
                    f"AGENT_MEMORY_WORKSPACE_LANGUAGES: {item.strip()!r} is not workspace=language"
                )
            named[workspace_id] = language.lower()
        return cls((default or DEFAULT_LANGUAGE).strip().lower(), named)


__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "LexicalLanguages", "checked"]
