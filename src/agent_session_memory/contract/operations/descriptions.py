"""Parameter descriptions that many operations share."""

SESSION_ID = "The session's id, as returned by create_session."
WORKSPACE_ID = (
    "The workspace (an isolated namespace such as a project or a user); "
    "default: the client's workspace."
)
KEY = "A working-memory key (1-256 characters)."
KEYS = "One key, a list of keys, or none for every key."
IMPORTANCE = "0-1; how much this matters when the session is committed (default: scored)."
MIN_IMPORTANCE = "Working-memory items scored below this are not committed (0-1)."
DEDUPLICATE = "Merge near-duplicates into existing memories instead of adding new ones."
TYPES = "Only memories of this type or these types (e.g. fact, decision, preference)."
TAGS = "Only memories with this tag or at least one of these tags."
MEMORY_ID = "The memory's id."
SEQS = "Message sequence numbers (Message.seq)."
SINCE = "Only after this time (ISO 8601 or epoch seconds)."
UNTIL = "Only before this time (ISO 8601 or epoch seconds)."
SESSION_FILTER = "Only memories that came from this session."
MEMORY_TTL = (
    "Seconds this memory lives (default: for good). It expires then: no read returns it "
    "(recall, list, get, export, briefings) and a sweep deletes it."
)
