"""The model behind the agent: Claude Haiku 4.5 (bedrock)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from strands.models import Model

    from app.config import Settings


def create_model(settings: "Settings") -> "Model":
    """Claude Haiku 4.5 on Amazon Bedrock, called with the runtime's IAM role (no API keys).

    MODEL_ID is the id to invoke: the cross-Region inference profile us.anthropic.claude-haiku-4-5-20251001-v1:0 (Bedrock requires a profile for this model).
    """
    from strands.models import BedrockModel

    return BedrockModel(model_id=settings.model_id, region_name=settings.aws_region, max_tokens=settings.max_tokens)
