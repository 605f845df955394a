"""The AWS Lambda entry point (function URL or direct invoke).

``{"prompt": "..."}`` in the body, the answer as JSON out. Lambda keeps no conversation between
invocations; send the context you need.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from typing import Any, Optional

from app.agent import create_agent, request_usage
from app.config import Settings, load_settings
from app.tools import Toolbox

logger = logging.getLogger(__name__)
_settings: Optional[Settings] = None
# Built on the cold start and kept by the execution environment (MCP servers included).
_toolbox: Optional[Toolbox] = None


def _reply(status: int, body: dict) -> dict:
    return {"statusCode": status, "headers": {"content-type": "application/json; charset=utf-8"}, "body": json.dumps(body, ensure_ascii=False)}


def _failure(status: int, code: str, message: str) -> dict:
    return _reply(status, {"error": {"code": code, "message": message}})


def handler(event: dict, _context: Any = None) -> dict:
    global _settings, _toolbox
    if _settings is None:
        _settings = load_settings()
    if _toolbox is None:
        _toolbox = Toolbox(_settings)
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode("utf-8")
    try:
        payload = json.loads(raw or "null")
    except ValueError:
        return _failure(400, "invalid_json", "the request body is not valid JSON")
    prompt = payload.get("prompt") if isinstance(payload, dict) else None
    if not isinstance(prompt, str) or not prompt.strip():
        return _failure(400, "invalid_request", "prompt: a non-empty string is required")
    if len(prompt) > _settings.max_input_chars:
        return _failure(413, "prompt_too_long", f"prompt is {len(prompt)} characters; the limit is {_settings.max_input_chars}")
    try:
        result = asyncio.run(create_agent(_settings, tools=_toolbox.tools()).invoke_async(prompt.strip()))
    except Exception:  # noqa: BLE001 - internals go to the log, never to the caller
        logger.exception("invocation failed")
        return _failure(500, "internal_error", "The agent failed to answer; see its logs.")
    return _reply(200, {"response": str(result), "stopReason": str(result.stop_reason), "usage": request_usage(result)})
