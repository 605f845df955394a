"""Calculator: Evaluate arithmetic and mathematical expressions exactly, without running code."""

import math
from typing import Any

from simpleeval import SimpleEval
from strands import tool

_FUNCTIONS = {name: getattr(math, name) for name in ("sqrt", "sin", "cos", "tan", "asin", "acos", "atan", "log", "log10", "log2", "exp", "floor", "ceil", "factorial")}
_FUNCTIONS.update({"abs": abs, "round": round, "min": min, "max": max})


def create_calculator_tool(_settings: Any) -> Any:
    @tool
    def calculator(expression: str) -> dict:
        """Evaluate an arithmetic expression exactly, e.g. "2340 * 0.175 + 12" or "sqrt(2) * sin(pi / 4)".

        Args:
            expression: The expression; numbers, + - * / ** %, parentheses and math functions only.
        """
        if len(expression) > 1000:
            return {"error": "expression is too long"}
        evaluator = SimpleEval(functions=_FUNCTIONS, names={"pi": math.pi, "e": math.e})
        try:
            return {"expression": expression, "result": evaluator.eval(expression)}
        except Exception as error:  # noqa: BLE001 - reported to the model
            return {"expression": expression, "error": str(error)}

    return calculator
