"""The tools derive from the operation registry: names, descriptions, schemas, validation."""

from __future__ import annotations

import pytest

from agent_session_memory.contract import OPERATIONS
from agent_session_memory.errors import InvalidInput
from agent_session_memory.mcp_server.tools import TOOLS, TOOLS_BY_NAME, SessionUse, ToolSpec

PRODUCT_DOC_ARGUMENTS = {
    "memory_session_start": {"workspace_id", "ttl_seconds"},
    "memory_session_status": set(),
    "memory_session_commit": {"importance_threshold"},
    "memory_session_end": {"commit", "importance_threshold"},
    "memory_remember": {"content", "type", "importance", "tags"},
}


def test_the_product_docs_tools_take_the_product_docs_arguments() -> None:
    for name, arguments in PRODUCT_DOC_ARGUMENTS.items():
        assert arguments <= set(TOOLS_BY_NAME[name].input_schema["properties"]), name
    assert {tool.name for tool in TOOLS} == {
        *PRODUCT_DOC_ARGUMENTS,
        "memory_recall",
        "memory_briefing",
        "memory_set_context",
        "memory_get_context",
        "memory_forget",
    }


@pytest.mark.parametrize("tool", TOOLS, ids=lambda tool: tool.name)
def test_every_argument_is_described_and_typed_by_the_registry(tool: ToolSpec) -> None:
    op = OPERATIONS[tool.operation]
    source = op.params_schema()
    assert tool.description.endswith(op.description)
    for argument, param in tool.arguments.items():
        prop = tool.input_schema["properties"][argument]
        assert prop["description"].startswith(op.params[param])
        expected = {
            k: v
            for k, v in source["properties"][param].items()
            if k not in ("title", "description")
        }
        assert {k: v for k, v in prop.items() if k != "description"} == expected
    required = {a for a, p in tool.arguments.items() if p in source.get("required", [])}
    assert set(tool.input_schema.get("required", [])) == required - {"session_id"}
    assert tool.input_schema["additionalProperties"] is False
    assert tool.output_schema["type"] == "object"


def test_the_threshold_is_the_registrys_min_importance_under_the_product_docs_name() -> None:
    commit = TOOLS_BY_NAME["memory_session_commit"]
    schema = commit.input_schema["properties"]["importance_threshold"]
    assert schema["description"] == OPERATIONS["commit_session"].params["min_importance"]
    params = commit.params({"importance_threshold": 0.7}, {"session_id": "s"})
    assert params["min_importance"] == 0.7 and params["deduplicate"] is True
    with pytest.raises(InvalidInput) as caught:
        commit.params({"importance_threshold": "high"}, {"session_id": "s"})
    assert caught.value.details["field"] == "importance_threshold"
    assert "importance_threshold" in caught.value.message


def test_validation_is_the_http_apis_strict_one() -> None:
    start = TOOLS_BY_NAME["memory_session_start"]
    assert start.params({})["briefing"] is True  # fixed by the tool
    for bad in ({"ttl_seconds": "60"}, {"ttl_seconds": True}, {"briefing": False}):
        with pytest.raises(InvalidInput):
            start.params(bad)


def test_the_session_tools_take_an_explicit_session_id() -> None:
    for tool in TOOLS:
        has = "session_id" in tool.input_schema["properties"]
        assert has == (tool.session in (SessionUse.REQUIRED, SessionUse.OPTIONAL)), tool.name


def test_every_tool_resource_prompt_and_hook_is_documented() -> None:
    from pathlib import Path

    from agent_session_memory.mcp_server.hooks import EVENTS
    from agent_session_memory.mcp_server.server import BRIEFING_URI, CONTEXT_URI, PRIMER

    text = (Path(__file__).parents[2] / "docs" / "integrations" / "mcp.md").read_text()
    for tool in TOOLS:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{tool.name}`"))
        missing = [a for a in tool.input_schema["properties"] if f"`{a}`" not in row]
        assert missing == [], tool.name
    for name in (BRIEFING_URI, CONTEXT_URI, PRIMER, *(f"asm hook {e}" for e in EVENTS)):
        assert f"`{name}" in text, name
