"""``python -m evals [suite.yaml]``: runs the suite (default evals/main.yaml) against the configured
model and exits 1 below its thresholds. Judge assertions are graded by the same model; EVAL_JUDGE=off
skips them."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from strands import Agent

from app.agent import create_agent
from app.config import load_settings
from app.model import create_model
from app.tools import create_tools
from evals.runner import JUDGE_PROMPT, load_suite, report, run_suite, summarise


async def main(argv: list) -> int:
    path = Path(argv[0] if argv else "evals/main.yaml")
    suite = load_suite(path.read_text(encoding="utf-8"))
    price = json.loads(Path("evals/model-price.json").read_text(encoding="utf-8"))
    settings = load_settings()
    tools = create_tools(settings)

    async def judge(prompt: str) -> str:
        grader = Agent(model=create_model(settings), system_prompt=JUDGE_PROMPT, tools=[], callback_handler=None)
        return str(await grader.invoke_async(prompt))

    runs = await run_suite(suite, lambda _case: create_agent(settings, tools=tools), None if os.environ.get("EVAL_JUDGE") == "off" else judge, price)
    print(report(suite, runs))
    return 0 if summarise(suite, runs)["passed"] else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
