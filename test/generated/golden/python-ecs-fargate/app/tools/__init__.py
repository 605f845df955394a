"""The agent's tools, one module each, in the spec's order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from app.tools.calculator import create_calculator_tool
from app.tools.http_request import create_http_request_tool
from app.tools.knowledge_base_retrieve import create_knowledge_base_retrieve_tool
from app.tools.tavily_search import create_tavily_search_tool

if TYPE_CHECKING:
    from app.config import Settings

TOOL_FACTORIES: list[tuple[str, Callable[["Settings"], Any]]] = [
    ("calculator", create_calculator_tool),
    ("http_request", create_http_request_tool),
    ("knowledge_base_retrieve", create_knowledge_base_retrieve_tool),
    ("tavily_search", create_tavily_search_tool),
]


def create_tools(settings: "Settings") -> list[Any]:
    """Builds every tool; a factory may return one tool or a list of them. Nothing connects yet."""
    tools: list[Any] = []
    for _tool_id, factory in TOOL_FACTORIES:
        built = factory(settings)
        tools.extend(built if isinstance(built, list) else [built])
    return tools


class Toolbox:
    """The tools of every session's agent, built once per process (none to start or stop)."""

    def __init__(self, settings: "Settings") -> None:
        self._built = create_tools(settings)

    @property
    def local_tools(self) -> list[Any]:
        """The tools that run in this process."""
        return list(self._built)

    def open(self) -> None:
        """Starts what needs starting (MCP servers) and lists their tools; safe to call again."""

    def tools(self) -> list[Any]:
        """Every tool, ready for an agent (opens the toolbox on first use)."""
        return self.local_tools

    def close(self) -> None:
        """Stops every MCP server this toolbox started."""
