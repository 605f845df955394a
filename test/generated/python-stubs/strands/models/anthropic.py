from typing import Any

from strands.models import _ConfiguredModel


class AnthropicModel(_ConfiguredModel):
    def __init__(self, *, client_args: dict, model_id: str, max_tokens: int, **config: Any) -> None:
        super().__init__(client_args=client_args, model_id=model_id, max_tokens=max_tokens, **config)
