from typing import Any, Callable, Optional


class PaginatedList(list):
    def __init__(self, items: list, token: Optional[str] = None) -> None:
        super().__init__(items)
        self.pagination_token = token


class MCPClient:
    """Like the real client: a ToolProvider that starts its server in ``start()`` (or ``load_tools()``,
    which the real ``Agent`` calls when it is constructed with the client among its tools)."""

    def __init__(self, transport_callable: Callable[[], Any], *, startup_timeout: int = 30, **_: Any) -> None:
        self.transport_callable = transport_callable
        self.startup_timeout = startup_timeout

    def start(self) -> "MCPClient":
        raise RuntimeError("test double: no MCP server in platform tests")

    def stop(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        return None

    def list_tools_sync(self, pagination_token: Optional[str] = None, **_: Any) -> PaginatedList:
        raise RuntimeError("test double: the MCP client session is not running")

    async def load_tools(self, **_: Any) -> list:
        self.start()
        return list(self.list_tools_sync())
