import abc
from typing import Any


class Model(abc.ABC):
    @abc.abstractmethod
    def update_config(self, **model_config: Any) -> None: ...

    @abc.abstractmethod
    def get_config(self) -> Any: ...

    @abc.abstractmethod
    def structured_output(self, output_model: Any, prompt: Any, system_prompt: Any = None, **kwargs: Any) -> Any: ...

    @abc.abstractmethod
    def stream(self, messages: Any, tool_specs: Any = None, system_prompt: Any = None, **kwargs: Any) -> Any: ...


class _ConfiguredModel(Model):
    def __init__(self, **config: Any) -> None:
        self.config = config

    def update_config(self, **model_config: Any) -> None:
        self.config.update(model_config)

    def get_config(self) -> Any:
        return self.config

    def structured_output(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def stream(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("test double: no network model in platform tests")


class BedrockModel(_ConfiguredModel):
    def __init__(self, *, model_id: str, region_name: str, **config: Any) -> None:
        super().__init__(model_id=model_id, region_name=region_name, **config)
