import json
import os
import tempfile
from typing import Any, Optional

from strands.session.session_manager import SessionManager


class FileSessionManager(SessionManager):
    def __init__(self, session_id: str, storage_dir: Optional[str] = None, **kwargs: Any) -> None:
        if "/" in session_id or "\\" in session_id:
            raise ValueError(f"session_id={session_id} | id cannot contain path separators")
        self.session_id = session_id
        self.storage_dir = storage_dir or os.path.join(tempfile.gettempdir(), "strands/sessions")
        os.makedirs(self.storage_dir, exist_ok=True)

    def _path(self) -> str:
        return os.path.join(self.storage_dir, f"session_{self.session_id}.json")

    def _read(self) -> list:
        if not os.path.exists(self._path()):
            return []
        with open(self._path(), encoding="utf-8") as file:
            return json.load(file)

    def _write(self, messages: list) -> None:
        with open(self._path(), "w", encoding="utf-8") as file:
            json.dump(messages, file)
