"""Like the real ``AgentCoreMemoryConfig`` (bedrock-agentcore 1.22): the required fields."""

from pydantic import BaseModel, Field


class AgentCoreMemoryConfig(BaseModel):
    memory_id: str = Field(min_length=1)
    session_id: str = Field(min_length=1)
    actor_id: str = Field(min_length=1)
