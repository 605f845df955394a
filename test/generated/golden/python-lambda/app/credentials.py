"""The keys the tools send to their APIs, read when a tool is called.

A key comes from its environment variable (or the Secrets Manager secret ``<NAME>_SECRET_ID`` names,
resolved at start).
"""

from __future__ import annotations

from typing import Any


class MissingCredential(RuntimeError):
    """A tool's key is not set."""


def credential(settings: Any, name: str) -> str:
    """The value of the key ``name`` (e.g. ``"TAVILY_API_KEY"``) for the current request."""
    value = getattr(settings, name.lower(), None)
    if value:
        return value
    raise MissingCredential(f"{name} is not set")
