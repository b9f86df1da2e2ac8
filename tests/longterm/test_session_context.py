"""Session context: a reply that means little alone is found through the turn it answers."""

from __future__ import annotations

import pytest

from agent_session_memory.engine.longterm import LongTermMemory
from agent_session_memory.models import RecallHit
from agent_session_memory.stores.longterm.filters import MemoryFilter

WS = "context"
ALL = MemoryFilter()
QUERY = "how did Jon feel about the dance festival"
SUBJECT = "Jon: We rehearsed for the dance festival every night after work this week."
REPLY = "Jon: Yeah, awesome! Glad to be part of it."
DISTRACTORS = (
    "Jon: I felt nervous before my dance class yesterday.",
    "Maria: The food festival downtown was crowded on Saturday.",
    "Jon: How do you feel about moving to Boston?",
)


def recall_conversation(lt: LongTermMemory, session_id: str | None) -> list[RecallHit]:
    """The distractors (no session), then the subject and the reply in ``session_id``."""
    for text in DISTRACTORS:
        lt.remember(WS, text)
    lt.remember(WS, SUBJECT, session_id=session_id)
    lt.remember(WS, REPLY, session_id=session_id)
    return lt.recall(WS, QUERY, 10, ALL)


def own(hit: RecallHit) -> float:
    return (hit.semantic_score + 0.7 * hit.lexical_score) / 1.7


def test_alone_the_reply_scores_its_own_relevance(any_lt: LongTermMemory) -> None:
    hits = recall_conversation(any_lt, None)
    ranked = [h.memory.content for h in hits]
    assert ranked.index(REPLY) > ranked.index(DISTRACTORS[2])  # an unrelated question beats it
    for hit in hits:
        assert hit.context_score == 0.0
        assert hit.score == pytest.approx(own(hit))


def test_in_its_session_the_reply_is_lifted_by_the_turn_it_answers(
    any_lt: LongTermMemory,
) -> None:
    hits = recall_conversation(any_lt, "festival-chat")
    by_text = {h.memory.content: h for h in hits}
    reply, subject = by_text[REPLY], by_text[SUBJECT]
    assert reply.context_score == pytest.approx(own(subject), abs=1e-6)
    assert subject.context_score == pytest.approx(own(reply), abs=1e-6)  # neighbours both ways
    assert reply.score == pytest.approx(own(reply) + 0.5 * reply.context_score * (1 - own(reply)))
    assert own(reply) < reply.score <= 1.0
    ranked = [h.memory.content for h in hits]
    assert ranked.index(REPLY) < ranked.index(DISTRACTORS[2])  # which outranked it alone
    for text in DISTRACTORS:
        assert by_text[text].context_score == 0.0


def test_a_min_score_threshold_applies_to_the_lifted_score(any_lt: LongTermMemory) -> None:
    hits = recall_conversation(any_lt, "festival-chat")
    reply = next(h for h in hits if h.memory.content == REPLY)
    kept = any_lt.recall(WS, QUERY, 10, ALL, min_score=reply.score - 1e-6)
    assert REPLY in [h.memory.content for h in kept]
    assert all(h.score >= reply.score - 1e-6 for h in kept)
