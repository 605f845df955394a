"""create_agent(): the spec's model, system prompt and tools."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from strands import Agent

from app.model import create_model
from app.prompt import AGENT_DESCRIPTION, AGENT_NAME, SYSTEM_PROMPT
from app.tools import create_tools

if TYPE_CHECKING:
    from strands.models import Model

    from app.config import Settings


def create_agent(settings: "Settings", model: Optional["Model"] = None) -> Agent:
    """A new agent; one per conversation. Tests pass a scripted ``model``."""
    return Agent(
        name=AGENT_NAME,
        description=AGENT_DESCRIPTION,
        model=model if model is not None else create_model(settings),
        system_prompt=SYSTEM_PROMPT,
        tools=create_tools(settings),
        callback_handler=None,
    )
