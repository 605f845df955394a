from typing import Any

from strands.models import _ConfiguredModel


class OpenAIModel(_ConfiguredModel):
    def __init__(self, *, client_args: dict, model_id: str, **config: Any) -> None:
        super().__init__(client_args=client_args, model_id=model_id, **config)
