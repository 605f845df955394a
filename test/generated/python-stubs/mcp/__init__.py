"""Test double of the `mcp` package's client surface that generated MCP tools import (platform tests only)."""

from typing import Any, Optional


class StdioServerParameters:
    def __init__(self, command: str, args: Optional[list] = None, env: Optional[dict] = None, **_: Any) -> None:
        self.command = command
        self.args = args or []
        self.env = env


def stdio_client(server: StdioServerParameters, **_: Any) -> Any:
    raise RuntimeError("test double: no MCP server in platform tests")
