from typing import Any, Optional

from strands.models import _ConfiguredModel


class OllamaModel(_ConfiguredModel):
    def __init__(self, host: Optional[str], *, ollama_client_args: Optional[dict] = None, **config: Any) -> None:
        super().__init__(**config)
        self.host = host
        self.client_args = ollama_client_args or {}
