"""Test double of `bedrock-agentcore` (platform tests only; see ../README.md)."""
