"""Test double of ``bedrock_agentcore.identity``."""

from .auth import requires_api_key

__all__ = ["requires_api_key"]
