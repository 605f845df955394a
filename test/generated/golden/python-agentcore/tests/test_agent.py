"""The agent is configured with exactly the spec's system prompt, model and tools."""

from __future__ import annotations

import asyncio
import base64

import pytest

from app.agent import create_agent
from app.config import ConfigError, load_settings
from app.model import create_model
from app.tools import TOOL_FACTORIES, Toolbox, create_tools
from tests.conftest import TEST_ENV, ScriptedModel

# The spec's values, encoded independently of the source code (UTF-16 code units, base64).
SPEC_SYSTEM_PROMPT = base64.b64decode("WQBvAHUAIABhAHIAZQAgAHQAaABlACAAcwB1AHAAcABvAHIAdAAgAHQAcgBpAGEAZwBlACAAYQBnAGUAbgB0ACAAbwBmACAARQB4AGEAbQBwAGwAZQAgAEMAbwByAHAALgAKAEMAbABhAHMAcwBpAGYAeQAgAGUAYQBjAGgAIAB0AGkAYwBrAGUAdAAgAGEAcwAgACIAYgBpAGwAbABpAG4AZwAiACwAIAAiAGIAdQBnACIAIABvAHIAIAAiAHEAdQBlAHMAdABpAG8AbgAiACwAIAB0AGgAZQBuACAAZAByAGEAZgB0ACAAYQAgAHMAaABvAHIAdAAgAHIAZQBwAGwAeQAuAAoATABvAG8AawAgAGEAbgBzAHcAZQByAHMAIAB1AHAAIABpAG4AIAB0AGgAZQAgAGsAbgBvAHcAbABlAGQAZwBlACAAYgBhAHMAZQAgAGYAaQByAHMAdAA7ACAAcwBlAGEAcgBjAGgAIAB0AGgAZQAgAHcAZQBiACAAbwBuAGwAeQAgAHcAaABlAG4AIABpAHQAIABoAGEAcwAgAG4AbwB0AGgAaQBuAGcALgA=").decode("utf-16-le", "surrogatepass")
SPEC_MODEL_ID = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
SPEC_TOOL_IDS = ["calculator", "http_request", "knowledge_base_retrieve", "tavily_search"]


def test_uses_exactly_the_system_prompt_of_the_spec() -> None:
    settings = load_settings(TEST_ENV)
    agent = create_agent(settings, model=ScriptedModel([]), tools=Toolbox(settings).local_tools)
    assert agent.system_prompt == SPEC_SYSTEM_PROMPT


def test_calls_the_model_of_the_spec_by_default() -> None:
    model = create_model(load_settings(TEST_ENV))
    assert model.get_config()["model_id"] == SPEC_MODEL_ID


def test_has_exactly_the_tools_of_the_spec_in_order() -> None:
    assert [tool_id for tool_id, _ in TOOL_FACTORIES] == SPEC_TOOL_IDS
    settings = load_settings(TEST_ENV)
    assert len(create_tools(settings)) >= len(SPEC_TOOL_IDS)
    toolbox = Toolbox(settings)
    agent = create_agent(settings, model=ScriptedModel([]), tools=toolbox.local_tools)
    names = [getattr(tool, "tool_name", None) for tool in toolbox.local_tools]
    assert set(name for name in names if name) <= set(agent.tool_names)


def test_gives_the_model_an_object_input_schema_with_every_parameter_described() -> None:
    for tool in Toolbox(load_settings(TEST_ENV)).local_tools:
        spec = getattr(tool, "tool_spec", None)
        if spec is None or not getattr(tool, "__module__", "").startswith("app."):
            continue  # a tool of strands-agents-tools: its spec is upstream's
        schema = spec["inputSchema"]["json"]
        assert schema.get("type") == "object", spec["name"]
        assert not any(key in schema for key in ("oneOf", "anyOf", "allOf")), spec["name"]
        for name, prop in schema.get("properties", {}).items():
            description = (prop.get("description") or "").strip()
            # "Parameter <name>" is what Strands writes when the docstring does not describe it.
            assert description and description != f"Parameter {name}", f"{spec['name']}.{name}"


def test_sends_the_system_prompt_and_returns_the_answer() -> None:
    model = ScriptedModel([{"text": "Hello from the test model."}])
    settings = load_settings(TEST_ENV)
    agent = create_agent(settings, model=model, tools=Toolbox(settings).local_tools)
    result = asyncio.run(agent.invoke_async("Hi"))
    assert "Hello from the test model." in str(result)
    assert model.requests[0]["system_prompt"] == SPEC_SYSTEM_PROMPT


def test_refuses_to_start_without_its_required_settings() -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({})
    assert "TAVILY_API_KEY" in str(error.value)


def test_rejects_an_invalid_port() -> None:
    with pytest.raises(ConfigError, match="PORT"):
        load_settings({**TEST_ENV, "PORT": "eighty"})
