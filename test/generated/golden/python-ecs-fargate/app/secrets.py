"""Secrets from AWS Secrets Manager, for variables that are not set directly."""

from __future__ import annotations

import json
from typing import Any, Iterable, MutableMapping, Optional


def resolve_secrets(env: MutableMapping[str, str], names: Iterable[str], client: Optional[Any] = None) -> MutableMapping[str, str]:
    """Fills each unset secret from the Secrets Manager secret named by ``<NAME>_SECRET_ID``.

    A secret may be a plain string, or JSON with a key of the variable's name.
    """
    for name in names:
        secret_id = env.get(f"{name}_SECRET_ID")
        if env.get(name) or not secret_id:
            continue
        if client is None:
            import boto3

            client = boto3.client("secretsmanager")
        value = client.get_secret_value(SecretId=secret_id).get("SecretString", "")
        env[name] = _from_secret_string(value, name)
    return env


def _from_secret_string(value: str, name: str) -> str:
    if not value.lstrip().startswith("{"):
        return value
    try:
        field = json.loads(value).get(name)
    except (ValueError, AttributeError):
        return value
    return field if isinstance(field, str) else value
