"""The Amazon Bedrock AgentCore Runtime service contract, on the official ``BedrockAgentCoreApp``.

``bedrock_agentcore``'s app serves port 8080: ``GET /ping`` (``{"status": "Healthy" | "HealthyBusy",
"time_of_last_update": <epoch seconds>}``), ``POST /invocations`` and ``/ws``, and sets the request and
session ids from the runtime's headers. This module adds what the agent needs on top:

- ``{"prompt": "..."}`` is checked (400 with ``{"error": {"code", "message"}}``, 413 when too long);
- the answer is JSON, or Server-Sent Events of typed events (``text``, ``tool_call``, ``tool_result``,
  ``done``, ``error``) when the request accepts ``text/event-stream``;
- the conversation is kept per ``X-Amzn-Bedrock-AgentCore-Runtime-Session-Id`` (33 to 256
  characters), in the session store when one is configured (SESSION_BUCKET or SESSION_DIR: another
  process with the same store carries it on); a session answers one request at a time (409 otherwise);
- internals go to the log, never to the caller.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import OrderedDict
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Callable, Optional

from bedrock_agentcore.runtime import BedrockAgentCoreApp, PingStatus, RequestContext
from starlette.responses import JSONResponse

from app.agent import request_usage

SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"

logger = logging.getLogger(__name__)


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": {"code": code, "message": message}})


def create_app(
    create_agent: Callable[[str], Any],
    max_input_chars: int,
    max_sessions: int = 100,
    on_startup: Optional[Callable[[], None]] = None,
    on_shutdown: Optional[Callable[[], None]] = None,
    restore_each_request: bool = False,
) -> BedrockAgentCoreApp:
    """The runtime app around an agent factory (given the session id); one agent per runtime session.

    With a session store (``restore_each_request``), the store holds the conversation: each request
    gets a new agent restored from it, so turns another process answered are never missed.

    ``on_startup`` and ``on_shutdown`` run in the app's lifespan (in a worker thread: they may block),
    e.g. to start the MCP servers of the tools once and stop them when the server stops.
    """

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        if on_startup is not None:
            await asyncio.to_thread(on_startup)
        try:
            yield
        finally:
            if on_shutdown is not None:
                await asyncio.to_thread(on_shutdown)

    app = BedrockAgentCoreApp(lifespan=lifespan)
    sessions: "OrderedDict[str, tuple[Any, asyncio.Lock]]" = OrderedDict()
    state = {"busy": 0}

    def session(session_id: str) -> tuple[Any, asyncio.Lock]:
        if session_id in sessions:
            sessions.move_to_end(session_id)
            agent, lock = sessions[session_id]
            if restore_each_request and not lock.locked():
                agent = create_agent(session_id)
                sessions[session_id] = (agent, lock)
            return agent, lock
        entry = (create_agent(session_id), asyncio.Lock())
        sessions[session_id] = entry
        while len(sessions) > max_sessions:
            sessions.popitem(last=False)
        return entry

    @app.ping
    def ping() -> PingStatus:
        return PingStatus.HEALTHY_BUSY if state["busy"] > 0 else PingStatus.HEALTHY

    @app.entrypoint
    async def invoke(payload: Any, context: RequestContext) -> Any:
        # The app answers invalid JSON itself (400); the handler runs on the app's worker event loop.
        if not isinstance(payload, dict) or not isinstance(payload.get("prompt"), str) or not payload["prompt"].strip():
            return _error(400, "invalid_request", "prompt: a non-empty string is required")
        prompt = payload["prompt"].strip()
        if len(prompt) > max_input_chars:
            return _error(413, "prompt_too_long", f"prompt is {len(prompt)} characters; the limit is {max_input_chars}")
        session_id = context.session_id or f"session-{uuid.uuid4()}"
        if not 33 <= len(session_id) <= 256 or "/" in session_id or "\\" in session_id:
            return _error(400, "invalid_session_id", "the runtime session id must be 33 to 256 characters, without / or \\")
        agent, lock = session(session_id)
        if lock.locked():
            return _error(409, "session_busy", "this session is already answering a request")
        accept = context.request.headers.get("accept", "") if context.request is not None else ""
        if "text/event-stream" in accept:
            return _stream(agent, lock, prompt, session_id, state)
        async with lock:
            state["busy"] += 1
            try:
                result = await agent.invoke_async(prompt)
            except Exception:  # noqa: BLE001 - internals go to the log, never to the caller
                logger.exception("invocation failed")
                return _error(500, "internal_error", "The agent failed to answer; see its logs.")
            finally:
                state["busy"] -= 1
        return {"response": str(result), "sessionId": session_id, "stopReason": str(result.stop_reason), "usage": request_usage(result)}

    return app


async def _stream(agent: Any, lock: asyncio.Lock, prompt: str, session_id: str, state: dict) -> AsyncIterator[dict]:
    """The agent's stream as typed events; the app sends each as one ``data:`` line."""
    announced: set = set()
    async with lock:
        state["busy"] += 1
        try:
            async for event in agent.stream_async(prompt):
                if "data" in event and isinstance(event["data"], str):
                    yield {"type": "text", "text": event["data"]}
                elif "current_tool_use" in event:
                    use = event["current_tool_use"] or {}
                    if use.get("toolUseId") and use["toolUseId"] not in announced and use.get("name"):
                        announced.add(use["toolUseId"])
                        yield {"type": "tool_call", "name": use["name"], "toolUseId": use["toolUseId"]}
                elif "message" in event:
                    for block in (event["message"] or {}).get("content", []):
                        if isinstance(block, dict) and "toolResult" in block:
                            yield {"type": "tool_result", "toolUseId": block["toolResult"].get("toolUseId"), "status": block["toolResult"].get("status")}
                elif "result" in event:
                    result = event["result"]
                    yield {"type": "done", "sessionId": session_id, "stopReason": str(result.stop_reason), "usage": request_usage(result)}
        except Exception:  # noqa: BLE001 - reported to the caller without internals
            logger.exception("streamed invocation failed")
            yield {"type": "error", "message": "The agent failed to answer; see its logs."}
        finally:
            state["busy"] -= 1


def build_app() -> BedrockAgentCoreApp:
    """The production app: settings from the environment, the real model and tools."""
    from app.agent import create_agent, keeps_sessions_outside
    from app.config import load_settings
    from app.logging_config import configure_logging
    from app.tools import Toolbox

    settings = load_settings()
    configure_logging(settings.log_level)
    _setup_tracing()
    toolbox = Toolbox(settings)
    return create_app(
        lambda session_id: create_agent(settings, tools=toolbox.tools(session_id), session_id=session_id),
        settings.max_input_chars,
        settings.max_sessions,
        on_startup=toolbox.open,
        on_shutdown=toolbox.close,
        restore_each_request=keeps_sessions_outside(settings),
    )


def _setup_tracing() -> None:
    """OpenTelemetry traces to the configured collector. Under ADOT (``opentelemetry-instrument``, as
    the AgentCore image runs) the tracer provider is already set up and Strands' spans use it."""
    import os

    from opentelemetry import trace

    if not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        return
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        from strands.telemetry import StrandsTelemetry

        StrandsTelemetry().setup_otlp_exporter()


def main(argv: Optional[list] = None) -> None:
    import uvicorn

    from app.config import load_settings

    settings = load_settings()
    uvicorn.run(build_app(), host="0.0.0.0", port=settings.port, log_config=None)


if __name__ == "__main__":
    main()
