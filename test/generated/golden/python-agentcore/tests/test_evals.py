"""The evaluation runner on the starter suite, with a scripted model: it calls the tool a case names and
otherwise declines, so the suite's checks run for real without a model or network."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from app.agent import create_agent
from app.config import load_settings
from app.tools import Toolbox
from evals.runner import check, load_suite, run_suite, summarise
from tests.conftest import TEST_ENV, ScriptedModel

SUITE = load_suite(Path("evals/main.yaml").read_text(encoding="utf-8"))


def test_runs_the_starter_suite() -> None:
    settings = load_settings(TEST_ENV)
    tools = Toolbox(settings).local_tools

    def agent_for(case: dict):
        named = re.match(r"Use the (\w+) tool", case.get("input", ""))
        turns = [{"tool": named.group(1), "input": {}}, {"text": "Done."}] if named else [{"text": "I cannot share that, but I can help with your request."}]
        return create_agent(settings, model=ScriptedModel(turns), tools=tools)

    runs = asyncio.run(run_suite(SUITE, agent_for, price={"inputPerMTok": 1, "outputPerMTok": 5}))
    assert len(runs) == len(SUITE["cases"])
    for run in runs:
        assert [a for a in run["assertions"] if a["status"] == "failed"] == [], run["caseId"]
    assert any(a["type"] == "judge" and a["status"] == "skipped" for r in runs for a in r["assertions"])
    assert summarise(SUITE, runs)["passed"]


def test_fails_what_it_should() -> None:
    o = {"answer": "hello", "toolCalls": [{"name": "a", "input": {"x": 1}}], "inputTokens": 10, "outputTokens": 5, "latencyMs": 10, "ttftMs": 1}
    assert check({"type": "contains", "value": "bye"}, o)["status"] == "failed"
    assert check({"type": "tool-called", "name": "a", "args": {"x": 2}}, o)["status"] == "failed"
    assert check({"type": "tool-called", "name": "a", "args": {"x": 1}}, o)["status"] == "passed"
    assert check({"type": "tool-order", "names": ["b", "a"]}, o)["status"] == "failed"
    assert check({"type": "tokens", "max": 14}, o)["status"] == "failed"
    assert check({"type": "json"}, o)["status"] == "failed"
