from typing import Any


def streamablehttp_client(url: str, headers: Any = None, **_: Any) -> Any:
    raise RuntimeError("test double: no MCP server in platform tests")
