"""Long-term memory stores behind one protocol (``base.LongTermStore``): the in-memory reference
(``memory.py``) and SQLite rows + FTS5 with Chroma vectors (``sqlite_chroma.py``)."""
