from typing import Any


class SessionManager:
    """Like the real one: restores an agent's conversation when it is initialised
    (``initialize``) and keeps each message as it is added (``append_message``)."""

    def initialize(self, agent: Any, **kwargs: Any) -> None:
        agent.messages = list(self._read())

    def append_message(self, message: dict, agent: Any, **kwargs: Any) -> None:
        self._write([*self._read(), message])

    def _read(self) -> list:
        raise NotImplementedError

    def _write(self, messages: list) -> None:
        raise NotImplementedError
