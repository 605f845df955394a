"""HTTP request: Call HTTP APIs (GET, POST, ...) and read the responses. Only the hosts in toolConfig allowedDomains can be called when that list is set."""

from typing import Any, Optional
from urllib.parse import urlparse

import httpx
from strands import tool

from app.tools.settings import TOOL_SETTINGS

MAX_RESPONSE_CHARS = 50_000


def create_http_request_tool(_settings: Any) -> Any:
    allowed = list(TOOL_SETTINGS["http_request"].get("allowedDomains") or [])

    @tool
    def http_request(method: str, url: str, headers: Optional[dict] = None, body: Optional[str] = None) -> dict:
        """Call an HTTP API and return the status, headers and body of the response.

        Args:
            method: GET, POST, PUT, PATCH, DELETE or HEAD.
            url: The full https:// URL.
            headers: Request headers.
            body: Request body (for POST, PUT and PATCH).
        """
        host = urlparse(url).hostname or ""
        if urlparse(url).scheme not in ("http", "https") or not host:
            return {"error": f"not a valid http(s) URL: {url}"}
        if allowed and not any(host == d or host.endswith("." + d) for d in allowed):
            return {"error": f"host {host} is not allowed; allowed hosts: {', '.join(allowed)}"}
        if method.upper() not in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"):
            return {"error": f"unsupported method {method}"}
        response = httpx.request(method.upper(), url, headers=headers, content=body, timeout=30.0, follow_redirects=False)
        return {"status": response.status_code, "headers": dict(response.headers), "body": response.text[:MAX_RESPONSE_CHARS]}

    return http_request
