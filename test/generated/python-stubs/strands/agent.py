"""A minimal agent loop with the real SDK's names and event shapes."""

import asyncio
import json
from typing import Any, AsyncIterator, Optional


def _usage() -> dict:
    return {"inputTokens": 0, "outputTokens": 0, "totalTokens": 0}


class AgentInvocation:
    def __init__(self) -> None:
        self.cycles: list = []
        self.usage = _usage()


class EventLoopMetrics:
    """Like the real one: owned by the agent for its lifetime, one ``AgentInvocation`` per call."""

    def __init__(self) -> None:
        self.accumulated_usage = _usage()
        self.agent_invocations: list = []

    @property
    def latest_agent_invocation(self) -> Optional[AgentInvocation]:
        return self.agent_invocations[-1] if self.agent_invocations else None

    def update_usage(self, usage: dict) -> None:
        for key in ("inputTokens", "outputTokens", "totalTokens"):
            self.accumulated_usage[key] += usage.get(key, 0)
            self.agent_invocations[-1].usage[key] += usage.get(key, 0)



class AgentResult:
    def __init__(self, stop_reason: str, message: dict, metrics: EventLoopMetrics) -> None:
        self.stop_reason = stop_reason
        self.message = message
        self.metrics = metrics

    def __str__(self) -> str:
        return "".join(block.get("text", "") for block in self.message.get("content", [])) + "\n"


class Agent:
    def __init__(self, model: Any = None, tools: Optional[list] = None, system_prompt: Optional[str] = None, callback_handler: Any = None, name: Optional[str] = None, description: Optional[str] = None, session_manager: Any = None, **_: Any) -> None:
        self.model = model
        self.system_prompt = system_prompt
        self.name = name
        self.description = description
        self.messages: list = []
        self.event_loop_metrics = EventLoopMetrics()
        loaded: list = []
        for t in tools or []:
            # The real Agent loads a ToolProvider (an MCPClient) when it is constructed: it starts it.
            loaded.extend(asyncio.run(t.load_tools()) if hasattr(t, "load_tools") else [t])
        self._tools = {t.tool_name: t for t in loaded if hasattr(t, "tool_name")}
        self._session_manager = session_manager
        if session_manager is not None:
            session_manager.initialize(self)

    def _add_message(self, message: dict) -> None:
        self.messages.append(message)
        if self._session_manager is not None:
            self._session_manager.append_message(message, self)

    @property
    def tool_names(self) -> list:
        return list(self._tools)

    async def invoke_async(self, prompt: str) -> AgentResult:
        result = None
        async for event in self.stream_async(prompt):
            if "result" in event:
                result = event["result"]
        assert result is not None
        return result

    async def stream_async(self, prompt: str) -> AsyncIterator[dict]:
        self._add_message({"role": "user", "content": [{"text": prompt}]})
        metrics = self.event_loop_metrics
        metrics.agent_invocations.append(AgentInvocation())
        while True:
            content: list = []
            tool_use: Optional[dict] = None
            stop_reason = "end_turn"
            specs = [t.tool_spec for t in self._tools.values()]
            async for event in self.model.stream(self.messages, tool_specs=specs, system_prompt=self.system_prompt):
                if "contentBlockStart" in event and "toolUse" in event["contentBlockStart"].get("start", {}):
                    tool_use = {**event["contentBlockStart"]["start"]["toolUse"], "input": ""}
                elif "contentBlockDelta" in event:
                    delta = event["contentBlockDelta"]["delta"]
                    if "text" in delta:
                        content.append({"text": delta["text"]})
                        yield {"data": delta["text"]}
                    elif "toolUse" in delta and tool_use is not None:
                        tool_use["input"] += delta["toolUse"]["input"]
                        yield {"current_tool_use": {"toolUseId": tool_use["toolUseId"], "name": tool_use["name"], "input": tool_use["input"]}}
                elif "messageStop" in event:
                    stop_reason = event["messageStop"]["stopReason"]
                elif "metadata" in event:
                    metrics.update_usage(event["metadata"]["usage"])
            if tool_use is not None:
                call = {"toolUseId": tool_use["toolUseId"], "name": tool_use["name"], "input": json.loads(tool_use["input"] or "{}")}
                assistant = {"role": "assistant", "content": [{"toolUse": call}]}
                self._add_message(assistant)
                yield {"message": assistant}
                try:
                    value = self._tools[call["name"]](**call["input"])
                    result = {"toolUseId": call["toolUseId"], "status": "success", "content": [{"text": str(value)}]}
                except Exception as error:  # noqa: BLE001
                    result = {"toolUseId": call["toolUseId"], "status": "error", "content": [{"text": str(error)}]}
                user = {"role": "user", "content": [{"toolResult": result}]}
                self._add_message(user)
                yield {"message": user}
                continue
            message = {"role": "assistant", "content": [{"text": "".join(c["text"] for c in content)}]}
            self._add_message(message)
            yield {"message": message}
            yield {"result": AgentResult(stop_reason, message, metrics)}
            return
