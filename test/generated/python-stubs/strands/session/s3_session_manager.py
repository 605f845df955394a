from typing import Any, Optional

from strands.session.session_manager import SessionManager


class S3SessionManager(SessionManager):
    def __init__(
        self,
        session_id: str,
        bucket: str,
        prefix: str = "",
        boto_session: Any = None,
        boto_client_config: Any = None,
        region_name: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        self.session_id = session_id
        self.bucket = bucket
        self.prefix = prefix
        self.region_name = region_name

    def _read(self) -> list:
        raise RuntimeError("test double: no S3 in platform tests")

    def _write(self, messages: list) -> None:
        raise RuntimeError("test double: no S3 in platform tests")
