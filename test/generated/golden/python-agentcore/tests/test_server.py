"""The server honours the AgentCore runtime contract (with a scripted model, no network)."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

from starlette.testclient import TestClient
from strands import Agent, tool

from app.agent import create_agent
from app.config import load_settings
from app.main import SESSION_HEADER, create_app
from app.prompt import SYSTEM_PROMPT
from tests.conftest import TEST_ENV, ScriptedModel

SESSION_ID = "test-session-0123456789-abcdefghijklmnop"


@tool
def add_numbers(a: int, b: int) -> int:
    """Add two numbers.

    Args:
        a: The first number.
        b: The second number.
    """
    return a + b


def make_client(*scripts: list) -> TestClient:
    queue = list(scripts)
    app = create_app(
        lambda _session_id: Agent(model=ScriptedModel(queue.pop(0) if queue else []), system_prompt=SYSTEM_PROMPT, tools=[add_numbers], callback_handler=None),
        max_input_chars=1000,
    )
    return TestClient(app)


def test_ping_is_healthy_with_the_time_of_the_last_update() -> None:
    response = make_client().get("/ping")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "Healthy"
    assert isinstance(body["time_of_last_update"], int)
    assert body["time_of_last_update"] <= int(time.time())


def test_invocations_answer_with_json() -> None:
    client = make_client([{"text": "The answer is 42."}])
    response = client.post("/invocations", json={"prompt": "What is the answer?"}, headers={SESSION_HEADER: SESSION_ID})
    assert response.status_code == 200
    body = response.json()
    assert "The answer is 42." in body["response"]
    assert body["sessionId"] == SESSION_ID


def test_invocations_stream_text_and_tool_calls_as_server_sent_events() -> None:
    client = make_client([{"tool": "add_numbers", "input": {"a": 2, "b": 3}}, {"text": "Two plus three is 5."}])
    response = client.post("/invocations", json={"prompt": "Add 2 and 3"}, headers={SESSION_HEADER: SESSION_ID, "accept": "text/event-stream"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [json.loads(chunk[6:]) for chunk in response.text.split("\n\n") if chunk.startswith("data: ")]
    assert any(e["type"] == "tool_call" and e["name"] == "add_numbers" for e in events)
    assert any(e["type"] == "tool_result" and e["status"] == "success" for e in events)
    assert "".join(e["text"] for e in events if e["type"] == "text") == "Two plus three is 5."
    assert events[-1]["type"] == "done"


def test_reports_the_usage_of_each_request_not_of_the_whole_session() -> None:
    client = make_client([{"text": "First."}, {"text": "Second."}])
    first = client.post("/invocations", json={"prompt": "one"}, headers={SESSION_HEADER: SESSION_ID}).json()
    second = client.post("/invocations", json={"prompt": "two"}, headers={SESSION_HEADER: SESSION_ID}).json()
    # The scripted model reports 12 input and 7 output tokens for each model call.
    assert first["usage"] == {"inputTokens": 12, "outputTokens": 7}
    assert second["usage"] == first["usage"]


def test_keeps_a_conversation_across_two_servers_sharing_a_session_store(tmp_path: Path) -> None:
    # Two processes (two apps, two agents) behind a load balancer, or one restarted: the same store.
    settings = replace(load_settings(TEST_ENV), session_dir=str(tmp_path))

    models: list[ScriptedModel] = []

    def server() -> TestClient:
        app = create_app(
            lambda session_id: create_agent(settings, model=models.pop(0), tools=[], session_id=session_id),
            max_input_chars=1000,
            restore_each_request=True,
        )
        return TestClient(app)

    first, second = server(), server()
    models.append(ScriptedModel([{"text": "Noted: order 4217."}]))
    assert first.post("/invocations", json={"prompt": "My order is 4217."}, headers={SESSION_HEADER: SESSION_ID}).status_code == 200
    on_second = ScriptedModel([{"text": "Your order is 4217."}])
    models.append(on_second)
    answer = second.post("/invocations", json={"prompt": "What is my order?"}, headers={SESSION_HEADER: SESSION_ID})
    assert answer.status_code == 200
    assert on_second.requests[0]["texts"] == ["My order is 4217.", "Noted: order 4217.", "What is my order?"]
    # Back on the first server: it restores the turn the second one answered instead of its own copy.
    back_on_first = ScriptedModel([{"text": "Still 4217."}])
    models.append(back_on_first)
    assert first.post("/invocations", json={"prompt": "And again?"}, headers={SESSION_HEADER: SESSION_ID}).status_code == 200
    assert len(back_on_first.requests[0]["texts"]) == 5


def test_rejects_bad_input_with_clear_errors() -> None:
    client = make_client()
    missing = client.post("/invocations", json={}, headers={SESSION_HEADER: SESSION_ID})
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "invalid_request"
    assert client.post("/invocations", content=b"{not json", headers={SESSION_HEADER: SESSION_ID}).status_code == 400
    assert client.post("/invocations", json={"prompt": "hi"}, headers={SESSION_HEADER: "too-short"}).status_code == 400
    assert client.post("/invocations", json={"prompt": "x" * 1001}, headers={SESSION_HEADER: SESSION_ID}).status_code == 413


def test_unknown_routes_are_404() -> None:
    assert make_client().get("/nope").status_code == 404
