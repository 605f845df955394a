"""Like the real ``AgentCoreMemorySessionManager`` (bedrock-agentcore 1.22): its constructor, and a
session manager's ``initialize`` / ``append_message``; it keeps the events in memory, per memory,
actor and session, instead of calling AgentCore Memory."""

from typing import Any, Optional

from bedrock_agentcore.memory.integrations.strands.config import AgentCoreMemoryConfig

EVENTS: dict = {}


class AgentCoreMemorySessionManager:
    def __init__(
        self,
        agentcore_memory_config: AgentCoreMemoryConfig,
        region_name: Optional[str] = None,
        boto_session: Any = None,
        boto_client_config: Any = None,
        **kwargs: Any,
    ) -> None:
        self.config = agentcore_memory_config
        self.region_name = region_name

    def _key(self) -> tuple:
        return (self.config.memory_id, self.config.actor_id, self.config.session_id)

    def initialize(self, agent: Any, **kwargs: Any) -> None:
        agent.messages = list(EVENTS.get(self._key(), []))

    def append_message(self, message: dict, agent: Any, **kwargs: Any) -> None:
        EVENTS.setdefault(self._key(), []).append(message)
