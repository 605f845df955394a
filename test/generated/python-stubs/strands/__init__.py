"""Test double of the Strands Agents SDK (platform tests only; see README.md)."""

from strands.agent import Agent, AgentResult
from strands.tools.decorator import tool

__all__ = ["Agent", "AgentResult", "tool"]
