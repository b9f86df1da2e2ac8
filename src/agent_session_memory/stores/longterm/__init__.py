"""Long-term memory stores: Chroma (dense vectors) and SQLite FTS5 (lexical, canonical rows)."""
