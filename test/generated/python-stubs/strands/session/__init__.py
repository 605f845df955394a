from strands.session.file_session_manager import FileSessionManager
from strands.session.s3_session_manager import S3SessionManager
from strands.session.session_manager import SessionManager

__all__ = ["FileSessionManager", "S3SessionManager", "SessionManager"]
