"""The agent's tools, one module each, in the spec's order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Literal, Optional

from app.tools.calculator import create_calculator_tool
from app.tools.http_request import create_http_request_tool
from app.tools.knowledge_base_retrieve import create_knowledge_base_retrieve_tool
from app.tools.tavily_search import create_tavily_search_tool

if TYPE_CHECKING:
    from app.config import Settings

TOOL_FACTORIES: list[tuple[str, Callable[..., Any]]] = [
    ("calculator", create_calculator_tool),
    ("http_request", create_http_request_tool),
    ("knowledge_base_retrieve", create_knowledge_base_retrieve_tool),
    ("tavily_search", create_tavily_search_tool),
]

#: Tools that keep a user's data: built for each session with its id, never shared between sessions.
SESSION_TOOL_IDS: frozenset[str] = frozenset([])


def _build(settings: "Settings", session_id: Optional[str], which: Literal["all", "shared", "session"]) -> list[Any]:
    tools: list[Any] = []
    for tool_id, factory in TOOL_FACTORIES:
        per_session = tool_id in SESSION_TOOL_IDS
        if (which == "shared" and per_session) or (which == "session" and not per_session):
            continue
        built = factory(settings, session_id) if per_session else factory(settings)
        tools.extend(built if isinstance(built, list) else [built])
    return tools


def create_tools(settings: "Settings", session_id: Optional[str] = None) -> list[Any]:
    """Builds every tool (a user's own for ``session_id``); a factory may return one tool or a list of
    them. Nothing connects yet."""
    return _build(settings, session_id, "all")


class Toolbox:
    """The tools of every session's agent, built once per process (none to start or stop)."""

    def __init__(self, settings: "Settings") -> None:
        self._settings = settings
        self._built = _build(settings, None, "shared")
        # The per-session tools of a default session: what tests and listings see.
        self._default_session_tools = _build(settings, None, "session")

    @property
    def local_tools(self) -> list[Any]:
        """The tools that run in this process."""
        return [*self._built, *self._default_session_tools]

    def open(self) -> None:
        """Starts what needs starting (MCP servers) and lists their tools; safe to call again."""

    def tools(self, session_id: Optional[str] = None) -> list[Any]:
        """Every tool, ready for the agent of ``session_id`` (opens the toolbox on first use): the shared
        ones, and the session's own (SESSION_TOOL_IDS) built for it."""
        own = _build(self._settings, session_id, "session") if session_id and SESSION_TOOL_IDS else self._default_session_tools
        return [*self._built, *own]

    def close(self) -> None:
        """Stops every MCP server this toolbox started."""
