"""Runs an evaluation suite (evals/*.yaml, format: evals/suite.schema.json) against this agent, with the
same semantics as the Agent Builder platform's evaluations: every case's assertions on the answer, the
tools called, tokens, cost and latency; judge assertions graded by a model."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any, Awaitable, Callable, Optional

import yaml

from app.agent import request_usage

TYPES = {"contains", "not-contains", "regex", "equals", "json", "length", "judge", "tool-called", "tool-not-called", "tool-order", "model-calls", "tokens", "cost", "latency", "ttft"}
JUDGE_PROMPT = 'You grade the answer of an AI agent against a rubric. Reply with one JSON object and nothing else: {"pass": true|false, "reason": "<one sentence>"}.'


def load_suite(text: str) -> dict:
    """Reads a suite, filling in the defaults; a problem names the case and assertion."""
    raw = yaml.safe_load(text)
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw.get("cases"):
        raise ValueError("a suite needs a name and at least one case (see evals/suite.schema.json)")
    for i, case in enumerate(raw["cases"]):
        if not case.get("id") or ("input" in case) == ("conversation" in case):
            raise ValueError(f"cases[{i}]: give an id and either input or conversation")
        for j, assertion in enumerate(case.get("assertions", [])):
            if assertion.get("type") not in TYPES:
                raise ValueError(f"cases[{i}].assertions[{j}]: unknown type {assertion.get('type')!r}")
    settings = raw.get("settings") or {}
    raw["settings"] = {
        "repetitions": settings.get("repetitions", 1),
        "concurrency": settings.get("concurrency", 2),
        "threshold": settings.get("threshold", 1),
        "tagThresholds": settings.get("tagThresholds", {}),
    }
    return raw


def _partial(actual: Any, expected: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(_partial(actual.get(k), v) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and all(_partial(a, e) for a, e in zip(actual, expected))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    return actual == expected


def check(a: dict, o: dict) -> dict:
    """One assertion on an observation (judge assertions are graded in run_suite)."""
    kind = a["type"]

    def ok(passed: bool, reason: str) -> dict:
        return {"type": kind, "status": "passed" if passed else "failed", "reason": reason}

    answer: str = o["answer"]
    fold = (lambda s: s) if a.get("caseSensitive") else (lambda s: s.lower())
    names = [c["name"] for c in o["toolCalls"]]
    if kind == "contains":
        return ok(fold(str(a["value"])) in fold(answer), f"answer contains {a['value']!r}")
    if kind == "not-contains":
        return ok(fold(str(a["value"])) not in fold(answer), f"answer does not contain {a['value']!r}")
    if kind == "regex":
        flags = sum(getattr(re, f.upper()) for f in a.get("flags", "") if f in "ims")
        return ok(re.search(a["pattern"], answer, flags) is not None, f"answer matches /{a['pattern']}/")
    if kind == "equals":
        return ok(answer == a["value"] if a.get("trim") is False else answer.strip() == str(a["value"]).strip(), "answer equals the expected text")
    if kind == "json":
        fenced = re.match(r"^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$", answer)
        try:
            value = json.loads(fenced.group(1) if fenced else answer)
        except ValueError as error:
            return ok(False, f"answer is not JSON ({error})")
        if "schema" not in a:
            return ok(True, "answer is JSON")
        import jsonschema  # requirements-dev.txt; only schema assertions need it

        problems = [e.message for e in jsonschema.Draft202012Validator(a["schema"]).iter_errors(value)]
        return ok(not problems, "answer matches the schema" + (f": {'; '.join(problems[:3])}" if problems else ""))
    if kind == "length":
        n = len(answer)
        return ok(n >= a.get("min", 0) and ("max" not in a or n <= a["max"]), f"answer has {n} characters")
    if kind == "tool-called":
        calls = [c for c in o["toolCalls"] if c["name"] == a["name"]]
        match = any(("args" not in a or _partial(c["input"], a["args"])) and ("argsPattern" not in a or re.search(a["argsPattern"], json.dumps(c["input"], separators=(",", ":")))) for c in calls)
        return ok(match, f"{a['name']} called (calls: {', '.join(names) or 'none'})")
    if kind == "tool-not-called":
        return ok(a["name"] not in names, f"{a['name']} not called (calls: {', '.join(names) or 'none'})")
    if kind == "tool-order":
        at = 0
        for name in a["names"]:
            if name not in names[at:]:
                return ok(False, f"not called in order {' → '.join(a['names'])} (calls: {', '.join(names) or 'none'})")
            at = names.index(name, at) + 1
        return ok(True, f"called in order {' → '.join(a['names'])}")
    if kind == "model-calls":
        return {"type": kind, "status": "skipped", "reason": "model calls are not counted here"}
    if kind == "tokens":
        total = o["inputTokens"] + o["outputTokens"]
        return ok(total <= a["max"], f"{total} tokens (at most {a['max']})")
    if kind == "cost":
        if o.get("costUsd") is None:
            return {"type": kind, "status": "skipped", "reason": "no price for this model"}
        return ok(o["costUsd"] <= a["maxUsd"], f"${o['costUsd']} (at most ${a['maxUsd']})")
    if kind == "latency":
        return ok(o["latencyMs"] <= a["maxMs"], f"{round(o['latencyMs'])} ms (at most {a['maxMs']} ms)")
    if kind == "ttft":
        return ok(o["ttftMs"] is not None and o["ttftMs"] <= a["maxMs"], f"first token after {o['ttftMs']} ms (at most {a['maxMs']} ms)")
    return {"type": kind, "status": "skipped", "reason": "graded by the judge"}


async def observe(agent: Any, turns: list, price: Optional[dict] = None) -> dict:
    """Sends a case's messages to one agent (one conversation) and observes what happens."""
    o: dict = {"answer": "", "toolCalls": [], "inputTokens": 0, "outputTokens": 0, "latencyMs": 0.0, "ttftMs": None}
    seen: set = set()
    for i, prompt in enumerate(turns):
        started = time.perf_counter()
        answer = ""
        async for event in agent.stream_async(prompt):
            if "data" in event and isinstance(event["data"], str):
                if i == 0 and o["ttftMs"] is None:
                    o["ttftMs"] = (time.perf_counter() - started) * 1000
                answer += event["data"]
            elif "message" in event:
                for block in (event["message"] or {}).get("content", []):
                    if isinstance(block, dict) and "toolUse" in block and block["toolUse"]["toolUseId"] not in seen:
                        seen.add(block["toolUse"]["toolUseId"])
                        if i == 0 and o["ttftMs"] is None:
                            o["ttftMs"] = (time.perf_counter() - started) * 1000
                        o["toolCalls"].append({"name": block["toolUse"]["name"], "input": block["toolUse"].get("input", {}), "toolUseId": block["toolUse"]["toolUseId"]})
                    elif isinstance(block, dict) and "toolResult" in block and block["toolResult"].get("status") == "error":
                        for call in o["toolCalls"]:
                            if call["toolUseId"] == block["toolResult"].get("toolUseId"):
                                call["error"] = "the tool reported an error"
            elif "result" in event:
                usage = request_usage(event["result"])
                o["inputTokens"] += usage["inputTokens"]
                o["outputTokens"] += usage["outputTokens"]
        o["latencyMs"] += (time.perf_counter() - started) * 1000
        o["answer"] = answer
    if price:
        o["costUsd"] = round(o["inputTokens"] * price["inputPerMTok"] + o["outputTokens"] * price["outputPerMTok"]) / 1e6
    return o


def _verdict(text: str) -> Optional[dict]:
    for candidate in re.findall(r"\{[\s\S]*\}", text):
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict) and isinstance(value.get("pass"), bool):
            return value
    return None


async def run_suite(suite: dict, create_agent: Callable[[dict], Any], judge: Optional[Callable[[str], Awaitable[str]]] = None, price: Optional[dict] = None) -> list:
    """Runs every case ``repetitions`` times, ``concurrency`` at a time, each with a new agent."""
    gate = asyncio.Semaphore(suite["settings"]["concurrency"])

    async def one(case: dict) -> dict:
        turns = case.get("conversation") or [case["input"]]
        failure = None
        async with gate:
            try:
                o = await observe(create_agent(case), turns, price)
            except Exception as error:  # noqa: BLE001 - the case fails with the reason
                o = {"answer": "", "toolCalls": [], "inputTokens": 0, "outputTokens": 0, "latencyMs": 0.0, "ttftMs": None}
                failure = f"the agent failed: {error}"
            outcomes = []
            for a in case["assertions"]:
                if a["type"] != "judge":
                    outcomes.append(check(a, o))
                elif judge is None:
                    outcomes.append({"type": "judge", "status": "skipped", "reason": "skipped: no judge model (EVAL_JUDGE=off)"})
                else:
                    reply = await judge(f"Rubric:\n{a['rubric']}\n\nMessages the user sent:\n" + "\n".join(turns) + f"\n\nThe agent's final answer:\n{o['answer']}")
                    v = _verdict(reply)
                    outcomes.append({"type": "judge", "status": "passed" if v and v["pass"] else "failed", "reason": str(v.get("reason", "")) if v else f"no verdict: {reply[:200]}"})
        status = "passed" if failure is None and all(x["status"] != "failed" for x in outcomes) else "failed"
        return {"caseId": case["id"], "tags": case.get("tags", []), "status": status, "assertions": outcomes, "observation": o, "failure": failure}

    tasks = [one(case) for case in suite["cases"] for _ in range(suite["settings"]["repetitions"])]
    return list(await asyncio.gather(*tasks))


def summarise(suite: dict, runs: list) -> dict:
    """The pass rate against the suite's thresholds (overall and per tag), with the reasons."""

    def rate(rs: list) -> float:
        return 1.0 if not rs else sum(r["status"] == "passed" for r in rs) / len(rs)

    pass_rate = rate(runs)
    threshold = suite["settings"]["threshold"]
    reasons = [f"pass rate {pass_rate:.1%} is below {threshold:.1%}"] if pass_rate < threshold else []
    for tag, tag_threshold in suite["settings"]["tagThresholds"].items():
        tagged = rate([r for r in runs if tag in r["tags"]])
        if tagged < tag_threshold:
            reasons.append(f"tag {tag}: {tagged:.1%} is below {tag_threshold:.1%}")
    return {"passRate": pass_rate, "passed": not reasons, "reasons": reasons}


def report(suite: dict, runs: list) -> str:
    """One line per case run, then the totals."""
    lines = []
    for r in runs:
        o = r["observation"]
        cost = f"  ${o['costUsd']}" if o.get("costUsd") is not None else ""
        lines.append(f"{'PASS' if r['status'] == 'passed' else 'FAIL'} {r['caseId']}  {round(o['latencyMs'])} ms  {o['inputTokens'] + o['outputTokens']} tokens{cost}")
        lines.extend(f"     {x}" for x in ([r["failure"]] if r["failure"] else []) + [f"{a['type']}: {a['reason']}" for a in r["assertions"] if a["status"] == "failed"])
    summary = summarise(suite, runs)
    lines.append(f"{suite['name']}: {summary['passRate']:.1%} passed (threshold {suite['settings']['threshold']:.1%})")
    return "\n".join(lines + summary["reasons"])
