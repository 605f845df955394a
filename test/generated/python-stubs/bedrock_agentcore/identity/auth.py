"""Test double of ``bedrock_agentcore.identity.auth``: ``requires_api_key`` as the real one behaves.

The decorator builds an ``IdentityClient`` for the Region when it decorates, and on each call fetches
the provider's key with the workload access token of the current request (``BedrockAgentCoreContext``)
and passes it as the keyword ``into``. A sync function called while an event loop runs fetches on a
worker thread with the caller's context, as the real one does. Outside a runtime (no token) the real
decorator sets up a local workload identity through AWS; there is no AWS here, so this one refuses.
"""

import asyncio
import concurrent.futures
import contextvars
import os
from functools import wraps
from typing import Any, Callable

from bedrock_agentcore.runtime import BedrockAgentCoreContext
from bedrock_agentcore.services.identity import IdentityClient


def requires_api_key(*, provider_name: str, into: str = "api_key") -> Callable:
    def decorator(func: Callable) -> Callable:
        client = IdentityClient(_get_region())

        async def _get_api_key() -> str:
            return await client.get_api_key(provider_name=provider_name, agent_identity_token=_get_workload_access_token())

        @wraps(func)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            kwargs[into] = await _get_api_key()
            return await func(*args, **kwargs)

        @wraps(func)
        def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
            if _has_running_loop():
                ctx = contextvars.copy_context()
                with concurrent.futures.ThreadPoolExecutor() as executor:
                    kwargs[into] = executor.submit(ctx.run, asyncio.run, _get_api_key()).result()
            else:
                kwargs[into] = asyncio.run(_get_api_key())
            return func(*args, **kwargs)

        return async_wrapper if asyncio.iscoroutinefunction(func) else sync_wrapper

    return decorator


def _get_workload_access_token() -> str:
    token = BedrockAgentCoreContext.get_workload_access_token()
    if token is None:
        raise ValueError("Workload access token has not been set (the test double has no local AgentCore Identity set-up)")
    return token


def _get_region() -> str:
    return os.getenv("AWS_REGION") or "us-west-2"


def _has_running_loop() -> bool:
    try:
        asyncio.get_running_loop()
        return True
    except RuntimeError:
        return False
