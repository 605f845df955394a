import inspect
from typing import Any, Callable, Optional


class DecoratedFunctionTool:
    def __init__(self, func: Callable[..., Any], name: Optional[str] = None, description: Optional[str] = None) -> None:
        self._func = func
        self.tool_name = name or func.__name__
        doc = inspect.getdoc(func) or ""
        self.tool_spec = {"name": self.tool_name, "description": description or doc.split("\n\n")[0], "inputSchema": {"json": {"type": "object"}}}

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._func(*args, **kwargs)


def tool(func: Optional[Callable[..., Any]] = None, *, name: Optional[str] = None, description: Optional[str] = None) -> Any:
    if func is None:
        return lambda f: DecoratedFunctionTool(f, name=name, description=description)
    return DecoratedFunctionTool(func)
