"""Test double of ``bedrock_agentcore.services.identity``: ``IdentityClient`` with the real
constructor and ``get_api_key`` signature. There is no AgentCore Identity here: tests replace
``get_api_key`` (the real one calls the data plane's GetResourceApiKey)."""

from typing import Any


class IdentityClient:
    def __init__(self, region: str) -> None:
        self.region = region

    async def get_api_key(self, *, provider_name: str, agent_identity_token: str) -> str:
        raise RuntimeError(f"no AgentCore Identity in tests: cannot fetch the key of {provider_name}")

    def __repr__(self) -> str:  # pragma: no cover
        return f"IdentityClient({self.region!r})"


__all__: Any = ["IdentityClient"]
