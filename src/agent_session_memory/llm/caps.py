"""The one set of caps every LLM plug-in obeys, whichever framework calls the model.

Caps bound what reaches the model (cost, and room for a hostile item to speak) and what a reply
may be (a reply past them is a model that ignored its instructions: it falls back).
"""

from __future__ import annotations

BATCH_SIZE = 20  # working-memory items scored in one request
MAX_KEY_CHARS = 256  # of an item's key sent to the model
MAX_ITEM_CHARS = 2_000  # of an item's rendering sent to the model
MAX_FACTS = 10  # facts one item may yield; a longer list is rejected, not cut
MAX_FACT_CHARS = 1_000  # of one fact
MAX_SUMMARY_CHARS = 2_000  # of the briefing paragraph
MAX_REPLY_CHARS = 64 * 1024  # a longer reply is not parsed at all
BRIEFING_SESSIONS = 20  # recent sessions shown to the summariser
BRIEFING_THREADS = 20  # open threads shown to the summariser
BRIEFING_MEMORIES = 10  # top memories shown to the summariser
BRIEFING_DECISIONS = 5  # key decisions per session shown to the summariser
BRIEFING_TEXT_CHARS = 300  # of each summary, topic, decision or memory shown to the summariser
