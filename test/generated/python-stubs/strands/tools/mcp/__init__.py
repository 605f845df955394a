from typing import Any, Callable


class MCPClient:
    def __init__(self, transport_callable: Callable[[], Any]) -> None:
        self.transport_callable = transport_callable
