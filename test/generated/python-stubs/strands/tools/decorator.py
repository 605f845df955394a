import functools
import inspect
import re
from typing import Any, Callable, Optional

_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array", dict: "object"}


def _param_descriptions(doc: str) -> dict:
    """Google-style ``Args:`` entries, as the real SDK reads them (with docstring_parser)."""
    descriptions: dict = {}
    in_args = False
    current = None
    for line in doc.splitlines():
        if re.match(r"^(Args|Arguments|Parameters):\s*$", line.strip()):
            in_args = True
            continue
        if in_args and re.match(r"^[A-Z][A-Za-z ]*:\s*$", line.strip()):
            break
        match = re.match(r"^\s+(\w+)(?:\s*\([^)]*\))?:\s*(.*)$", line) if in_args else None
        if match:
            current = match.group(1)
            descriptions[current] = match.group(2).strip()
        elif in_args and current and line.strip():
            descriptions[current] += " " + line.strip()
    return descriptions


class DecoratedFunctionTool:
    def __init__(self, func: Callable[..., Any], name: Optional[str] = None, description: Optional[str] = None) -> None:
        self._func = func
        self._tool_func = func
        functools.update_wrapper(wrapper=self, wrapped=func)  # as the real one: __module__, __doc__, ...
        self.tool_name = name or func.__name__
        doc = inspect.getdoc(func) or ""
        described = _param_descriptions(doc)
        properties: dict = {}
        required: list = []
        for param in inspect.signature(func).parameters.values():
            if param.name in ("self", "cls", "agent", "tool_context"):
                continue
            # The real SDK's fallback when the docstring does not describe a parameter.
            prop = {"description": described.get(param.name) or f"Parameter {param.name}"}
            json_type = _JSON_TYPES.get(param.annotation if isinstance(param.annotation, type) else type(None))
            if json_type:
                prop["type"] = json_type
            properties[param.name] = prop
            if param.default is inspect.Parameter.empty:
                required.append(param.name)
        summary = re.split(r"\n\s*\n|\n(?:Args|Returns|Raises):", doc)[0].strip()
        self.tool_spec = {
            "name": self.tool_name,
            "description": description or summary or self.tool_name,
            "inputSchema": {"json": {"type": "object", "properties": properties, "required": required}},
        }

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._func(*args, **kwargs)


def tool(func: Optional[Callable[..., Any]] = None, *, name: Optional[str] = None, description: Optional[str] = None) -> Any:
    if func is None:
        return lambda f: DecoratedFunctionTool(f, name=name, description=description)
    return DecoratedFunctionTool(func)
