"""Runtime settings from environment variables, validated once at start-up.

Secrets are never in files: each is read from its environment variable, or from AWS Secrets Manager
when ``<NAME>_SECRET_ID`` names the secret (the deployed agent's case).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

from app.secrets import resolve_secrets

SECRET_NAMES: tuple[str, ...] = ("TAVILY_API_KEY", )
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class ConfigError(ValueError):
    """Raised when settings are missing or invalid; the message lists every problem."""


@dataclass(frozen=True)
class Settings:
    port: int
    log_level: str
    aws_region: str
    model_id: str
    max_tokens: int
    max_input_chars: int
    max_sessions: int
    # Where conversations are kept beyond this process (the first set wins): an S3 bucket, shared by
    # every task behind a load balancer and kept across restarts, or a directory; else in memory.
    session_bucket: Optional[str]
    session_dir: Optional[str]
    knowledge_base_id: Optional[str]
    tavily_api_key: Optional[str]


def _int(env: Mapping[str, str], name: str, default: int, problems: list[str], low: int = 1, high: int = 2**31) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        problems.append(f"{name}: expected a whole number, got {raw!r}")
        return default
    if not low <= value <= high:
        problems.append(f"{name}: expected {low} to {high}, got {value}")
    return value


def load_settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    """Reads and validates the settings; raises ConfigError listing every problem."""
    env = resolve_secrets(dict(os.environ if env is None else env), SECRET_NAMES)
    problems: list[str] = []
    log_level = env.get("LOG_LEVEL", "INFO").upper()
    if log_level == "WARN":
        log_level = "WARNING"
    if log_level not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL: expected one of {', '.join(LOG_LEVELS)}")
    if not env.get("TAVILY_API_KEY"):
        problems.append("TAVILY_API_KEY: required (Tavily API key (from Secrets Manager when deployed).)")
    settings = Settings(
        port=_int(env, "PORT", 8080, problems, 1, 65535),
        log_level=log_level,
        aws_region=env.get("AWS_REGION") or "us-east-1",
        model_id=env.get("MODEL_ID") or "us.anthropic.claude-haiku-4-5-20251001-v1:0",
        max_tokens=_int(env, "MAX_TOKENS", 4096, problems),
        max_input_chars=_int(env, "MAX_INPUT_CHARS", 100000, problems),
        max_sessions=_int(env, "MAX_SESSIONS", 100, problems),
        session_bucket=env.get("SESSION_BUCKET") or None,
        session_dir=env.get("SESSION_DIR") or None,
        knowledge_base_id=env.get("KNOWLEDGE_BASE_ID") or None,
        tavily_api_key=env.get("TAVILY_API_KEY") or None,
    )
    if problems:
        raise ConfigError("Invalid configuration:\n  " + "\n  ".join(problems))
    return settings
