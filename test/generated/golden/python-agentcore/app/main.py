"""The Amazon Bedrock AgentCore Runtime service contract, served with FastAPI on port 8080.

- ``GET /ping`` returns ``{"status": "Healthy" | "HealthyBusy", "time_of_last_update": <epoch seconds>}``.
- ``POST /invocations`` with ``{"prompt": "..."}`` returns JSON, or Server-Sent Events when the request
  accepts ``text/event-stream``. The conversation is kept per
  ``X-Amzn-Bedrock-AgentCore-Runtime-Session-Id`` (33 to 256 characters).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections import OrderedDict
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Callable, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from app.agent import request_usage

SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
MAX_BODY_BYTES = 1_048_576

logger = logging.getLogger(__name__)


class InvocationRequest(BaseModel):
    prompt: str = Field(..., min_length=1)


class HttpError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": {"code": code, "message": message}})


def create_app(
    create_agent: Callable[[], Any],
    max_input_chars: int,
    max_sessions: int = 100,
    on_startup: Optional[Callable[[], None]] = None,
    on_shutdown: Optional[Callable[[], None]] = None,
) -> FastAPI:
    """The HTTP app around an agent factory; one agent per runtime session.

    ``on_startup`` and ``on_shutdown`` run in the app's lifespan (in a worker thread: they may block),
    e.g. to start the MCP servers of the tools once and stop them when the server stops.
    """

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if on_startup is not None:
            await asyncio.to_thread(on_startup)
        try:
            yield
        finally:
            if on_shutdown is not None:
                await asyncio.to_thread(on_shutdown)

    app = FastAPI(title="Agent", docs_url=None, redoc_url=None, lifespan=lifespan)
    sessions: "OrderedDict[str, tuple[Any, asyncio.Lock]]" = OrderedDict()
    state = {"busy": 0, "changed": int(time.time())}

    def set_busy(delta: int) -> None:
        was_busy = state["busy"] > 0
        state["busy"] += delta
        if was_busy != (state["busy"] > 0):
            state["changed"] = int(time.time())

    def session(session_id: str) -> tuple[Any, asyncio.Lock]:
        if session_id in sessions:
            sessions.move_to_end(session_id)
            return sessions[session_id]
        entry = (create_agent(), asyncio.Lock())
        sessions[session_id] = entry
        while len(sessions) > max_sessions:
            sessions.popitem(last=False)
        return entry

    @app.exception_handler(HttpError)
    async def on_http_error(_request: Request, error: HttpError) -> JSONResponse:
        return _error(error.status, error.code, error.message)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        return _error(400, "invalid_request", "; ".join(str(e.get("msg", "invalid")) for e in error.errors()))

    @app.exception_handler(Exception)
    async def on_error(_request: Request, error: Exception) -> JSONResponse:
        # Internals go to the log, never to the caller.
        logger.exception("invocation failed")
        return _error(500, "internal_error", "The agent failed to answer; see its logs.")

    @app.get("/ping")
    async def ping() -> dict:
        return {"status": "HealthyBusy" if state["busy"] > 0 else "Healthy", "time_of_last_update": state["changed"]}

    @app.post("/invocations")
    async def invocations(request: Request) -> Any:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise HttpError(413, "body_too_large", f"the request body exceeds {MAX_BODY_BYTES} bytes")
        try:
            payload = json.loads(body or b"null")
        except ValueError:
            raise HttpError(400, "invalid_json", "the request body is not valid JSON") from None
        if not isinstance(payload, dict) or not isinstance(payload.get("prompt"), str) or not payload["prompt"].strip():
            raise HttpError(400, "invalid_request", "prompt: a non-empty string is required")
        prompt = payload["prompt"].strip()
        if len(prompt) > max_input_chars:
            raise HttpError(413, "prompt_too_long", f"prompt is {len(prompt)} characters; the limit is {max_input_chars}")
        session_id = request.headers.get(SESSION_HEADER) or f"session-{uuid.uuid4()}"
        if not 33 <= len(session_id) <= 256:
            raise HttpError(400, "invalid_session_id", "the runtime session id must be 33 to 256 characters")
        agent, lock = session(session_id)
        if lock.locked():
            raise HttpError(409, "session_busy", "this session is already answering a request")
        if "text/event-stream" in request.headers.get("accept", ""):
            return StreamingResponse(_stream(agent, lock, prompt, session_id, set_busy), media_type="text/event-stream")
        async with lock:
            set_busy(1)
            try:
                result = await agent.invoke_async(prompt)
            finally:
                set_busy(-1)
        return {"response": str(result), "sessionId": session_id, "stopReason": str(result.stop_reason), "usage": request_usage(result)}

    return app


def _sse(event: dict) -> str:
    return f"data: {json.dumps(event, ensure_ascii=False, default=str)}\n\n"


async def _stream(agent: Any, lock: asyncio.Lock, prompt: str, session_id: str, set_busy: Callable[[int], None]) -> AsyncIterator[str]:
    announced: set = set()
    async with lock:
        set_busy(1)
        try:
            async for event in agent.stream_async(prompt):
                if "data" in event and isinstance(event["data"], str):
                    yield _sse({"type": "text", "text": event["data"]})
                elif "current_tool_use" in event:
                    use = event["current_tool_use"] or {}
                    if use.get("toolUseId") and use["toolUseId"] not in announced and use.get("name"):
                        announced.add(use["toolUseId"])
                        yield _sse({"type": "tool_call", "name": use["name"], "toolUseId": use["toolUseId"]})
                elif "message" in event:
                    for block in (event["message"] or {}).get("content", []):
                        if isinstance(block, dict) and "toolResult" in block:
                            yield _sse({"type": "tool_result", "toolUseId": block["toolResult"].get("toolUseId"), "status": block["toolResult"].get("status")})
                elif "result" in event:
                    result = event["result"]
                    yield _sse({"type": "done", "sessionId": session_id, "stopReason": str(result.stop_reason), "usage": request_usage(result)})
        except Exception:  # noqa: BLE001 - reported to the caller without internals
            logger.exception("streamed invocation failed")
            yield _sse({"type": "error", "message": "The agent failed to answer; see its logs."})
        finally:
            set_busy(-1)


def build_app() -> FastAPI:
    """The production app: settings from the environment, the real model and tools."""
    from app.agent import create_agent
    from app.config import load_settings
    from app.logging_config import configure_logging
    from app.tools import Toolbox

    settings = load_settings()
    configure_logging(settings.log_level)
    _setup_tracing()
    toolbox = Toolbox(settings)
    return create_app(
        lambda: create_agent(settings, tools=toolbox.tools()),
        settings.max_input_chars,
        settings.max_sessions,
        on_startup=toolbox.open,
        on_shutdown=toolbox.close,
    )


def _setup_tracing() -> None:
    """OpenTelemetry traces to the configured collector (AgentCore's, or ADOT → X-Ray)."""
    import os

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
