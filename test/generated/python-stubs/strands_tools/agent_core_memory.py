"""Like the real ``AgentCoreMemoryToolProvider`` (strands-agents-tools 0.8.6): its constructor's
keyword arguments, and ``tools``; it records what it was given instead of calling AWS."""

from typing import Any, Optional

CREATED: list = []


class _MemoryTool:
    tool_name = "agent_core_memory"

    def __init__(self, provider: "AgentCoreMemoryToolProvider") -> None:
        self.provider = provider
        self.tool_spec = {"name": self.tool_name, "inputSchema": {"json": {"type": "object", "properties": {}}}}


class AgentCoreMemoryToolProvider:
    def __init__(
        self,
        memory_id: str,
        actor_id: str,
        session_id: str,
        namespace: str,
        region: Optional[str] = None,
        boto_client_config: Any = None,
        boto_session: Any = None,
    ) -> None:
        for name, value in (("memory_id", memory_id), ("actor_id", actor_id), ("session_id", session_id), ("namespace", namespace)):
            if not value:
                raise ValueError(f"{name} is required")
        self.memory_id, self.actor_id, self.session_id, self.namespace, self.region = memory_id, actor_id, session_id, namespace, region
        CREATED.append(self)

    @property
    def tools(self) -> list:
        return [_MemoryTool(self)]
