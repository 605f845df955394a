"""Test helpers: placeholder settings and a scripted model (no network, no AWS account)."""

from __future__ import annotations

import json
import re
from typing import Any

from strands.models import Model

# Every required variable set to a placeholder; nothing real.
TEST_ENV = {
    "AWS_REGION": "us-east-1",
    "TAVILY_API_KEY": "test-tavily-api-key",
}


class ScriptedModel(Model):
    """Plays a script of turns (text, or a tool call) with the stream events a real model sends."""

    def __init__(self, turns: list[dict[str, Any]]) -> None:
        self.turns = list(turns)
        self.requests: list[dict[str, Any]] = []
        self.config: dict[str, Any] = {"model_id": "scripted-test-model"}

    def update_config(self, **model_config: Any) -> None:
        self.config.update(model_config)

    def get_config(self) -> dict[str, Any]:
        return self.config

    async def structured_output(self, output_model: Any, prompt: Any, system_prompt: Any = None, **kwargs: Any):  # type: ignore[override]
        raise NotImplementedError("the scripted model has no structured output")
        yield {}  # pragma: no cover

    async def stream(self, messages: Any, tool_specs: Any = None, system_prompt: Any = None, **kwargs: Any):  # type: ignore[override]
        texts = [block["text"] for message in messages for block in message.get("content", []) if "text" in block]
        self.requests.append({"system_prompt": system_prompt, "tool_names": [spec["name"] for spec in tool_specs or []], "texts": texts})
        turn = self.turns.pop(0) if self.turns else {"text": "Done."}
        yield {"messageStart": {"role": "assistant"}}
        if "tool" in turn:
            yield {"contentBlockStart": {"start": {"toolUse": {"name": turn["tool"], "toolUseId": f"tool-{len(self.requests)}"}}}}
            yield {"contentBlockDelta": {"delta": {"toolUse": {"input": json.dumps(turn["input"])}}}}
            yield {"contentBlockStop": {}}
            yield {"messageStop": {"stopReason": "tool_use"}}
        else:
            yield {"contentBlockStart": {"start": {}}}
            for word in re.findall(r"\S+\s*", turn["text"]):
                yield {"contentBlockDelta": {"delta": {"text": word}}}
            yield {"contentBlockStop": {}}
            yield {"messageStop": {"stopReason": "end_turn"}}
        yield {"metadata": {"usage": {"inputTokens": 12, "outputTokens": 7, "totalTokens": 19}, "metrics": {"latencyMs": 1}}}
