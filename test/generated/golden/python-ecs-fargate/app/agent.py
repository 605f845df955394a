"""create_agent(): the spec's model, system prompt and tools."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from strands import Agent

from app.model import create_model
from app.prompt import AGENT_DESCRIPTION, AGENT_NAME, SYSTEM_PROMPT
from app.tools import create_tools

if TYPE_CHECKING:
    from strands.models import Model

    from app.config import Settings


def create_agent(
    settings: "Settings",
    model: Optional["Model"] = None,
    tools: Optional[list[Any]] = None,
    session_id: Optional[str] = None,
) -> Agent:
    """A new agent; one per conversation. Tests pass a scripted ``model``; the server passes the
    ``tools`` of its ``Toolbox``, built once and shared by every session, and the ``session_id``,
    whose conversation the configured session store restores and keeps."""
    return Agent(
        name=AGENT_NAME,
        description=AGENT_DESCRIPTION,
        model=model if model is not None else create_model(settings),
        system_prompt=SYSTEM_PROMPT,
        tools=tools if tools is not None else create_tools(settings),
        callback_handler=None,
        session_manager=create_session_manager(settings, session_id) if session_id else None,
    )


def create_session_manager(settings: "Settings", session_id: str) -> Any:
    """Strands' session manager for the configured store (the first set wins): S3 (SESSION_BUCKET), a
    directory (SESSION_DIR), or none (the conversation lives in this process only)."""
    if settings.session_bucket:
        from strands.session.s3_session_manager import S3SessionManager

        return S3SessionManager(session_id=session_id, bucket=settings.session_bucket, prefix="sessions/", region_name=settings.aws_region)
    if settings.session_dir:
        from strands.session.file_session_manager import FileSessionManager

        return FileSessionManager(session_id=session_id, storage_dir=settings.session_dir)
    return None


def keeps_sessions_outside(settings: "Settings") -> bool:
    """Whether conversations live in a store another process can read (then each request restores)."""
    return bool(settings.session_bucket or settings.session_dir)


def request_usage(result: Any) -> dict:
    """The tokens of this request alone (``accumulated_usage`` spans the agent's whole session)."""
    invocation = getattr(getattr(result, "metrics", None), "latest_agent_invocation", None)
    usage = getattr(invocation, "usage", None) or {}
    return {"inputTokens": int(usage.get("inputTokens", 0)), "outputTokens": int(usage.get("outputTokens", 0))}
