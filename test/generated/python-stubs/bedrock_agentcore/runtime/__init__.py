"""Test double of ``bedrock_agentcore.runtime``: ``BedrockAgentCoreApp`` as the real one serves it.

The same routes (``POST /invocations``, ``GET /ping``), handler registration (``@app.entrypoint``,
``@app.ping``), ``RequestContext`` (``session_id``, ``request_headers``, ``request``),
``BedrockAgentCoreContext`` (the request's workload access token, from the ``X-Amz-Bedrock-AgentCore-
Identity-WAT`` or ``WorkloadAccessToken`` header, in a context variable) and responses
(invalid JSON → 400; a returned ``Response`` passes through; a dict → JSON; an async generator →
``text/event-stream`` with one ``data: <json>`` line per item; an exception → 500). Unlike the real
app, async handlers run on the server's own event loop rather than a dedicated worker loop.
"""

import inspect
import json
from contextvars import ContextVar
import time
import uuid
from enum import Enum
from typing import Any, Callable, Dict, Optional

from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
REQUEST_ID_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Request-Id"
ACCESS_TOKEN_HEADER = "WorkloadAccessToken"  # nosec
IDENTITY_WAT_HEADER = "X-Amz-Bedrock-AgentCore-Identity-WAT"  # nosec


class BedrockAgentCoreContext:
    _workload_access_token: ContextVar[Optional[str]] = ContextVar("workload_access_token")

    @classmethod
    def set_workload_access_token(cls, token: str) -> None:
        cls._workload_access_token.set(token)

    @classmethod
    def get_workload_access_token(cls) -> Optional[str]:
        try:
            return cls._workload_access_token.get()
        except LookupError:
            return None


class PingStatus(str, Enum):
    HEALTHY = "Healthy"
    HEALTHY_BUSY = "HealthyBusy"


class RequestContext:
    def __init__(self, session_id: Optional[str] = None, request_headers: Optional[Dict[str, str]] = None, request: Any = None) -> None:
        self.session_id = session_id
        self.request_headers = request_headers
        self.request = request


class BedrockAgentCoreApp(Starlette):
    def __init__(self, debug: bool = False, lifespan: Any = None, middleware: Any = None) -> None:
        self.handlers: Dict[str, Callable] = {}
        self._ping_handler: Optional[Callable] = None
        self._last_status_update_time = time.time()
        self._last_known_status: Optional[PingStatus] = None
        routes = [
            Route("/invocations", self._handle_invocation, methods=["POST"]),
            Route("/ping", self._handle_ping, methods=["GET"]),
        ]
        super().__init__(routes=routes, lifespan=lifespan, middleware=middleware)

    def entrypoint(self, func: Callable) -> Callable:
        self.handlers["main"] = func
        return func

    def ping(self, func: Callable) -> Callable:
        self._ping_handler = func
        return func

    def get_current_ping_status(self) -> PingStatus:
        status = PingStatus(self._ping_handler()) if self._ping_handler else PingStatus.HEALTHY
        if self._last_known_status != status:
            self._last_known_status = status
            self._last_status_update_time = time.time()
        return status

    def _handle_ping(self, request: Any) -> JSONResponse:
        status = self.get_current_ping_status()
        return JSONResponse({"status": status.value, "time_of_last_update": int(self._last_status_update_time)})

    async def _handle_invocation(self, request: Any) -> Response:
        headers = request.headers
        _request_id = headers.get(REQUEST_ID_HEADER) or str(uuid.uuid4())
        token = headers.get(IDENTITY_WAT_HEADER) or headers.get(ACCESS_TOKEN_HEADER)
        if token:
            BedrockAgentCoreContext.set_workload_access_token(token)
        context = RequestContext(session_id=headers.get(SESSION_HEADER), request_headers=None, request=request)
        try:
            payload = await request.json()
        except json.JSONDecodeError as e:
            return JSONResponse({"error": "Invalid JSON", "details": str(e)}, status_code=400)
        handler = self.handlers.get("main")
        if handler is None:
            return JSONResponse({"error": "No entrypoint defined"}, status_code=500)
        params = list(inspect.signature(handler).parameters)
        args = (payload, context) if len(params) >= 2 and params[1] == "context" else (payload,)
        try:
            result = handler(*args)
            if inspect.isawaitable(result):
                result = await result
        except Exception as e:  # noqa: BLE001 - as the real app does
            return JSONResponse({"error": str(e)}, status_code=500)
        if inspect.isasyncgen(result):
            return StreamingResponse(self._sse(result), media_type="text/event-stream")
        if isinstance(result, Response):
            return result
        return Response(json.dumps(result, ensure_ascii=False), media_type="application/json")

    @staticmethod
    async def _sse(generator: Any) -> Any:
        async for value in generator:
            yield f"data: {json.dumps(value, ensure_ascii=False)}\n\n".encode("utf-8")
