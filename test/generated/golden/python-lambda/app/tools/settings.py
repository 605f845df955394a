"""Tool settings from the AgentSpec's toolConfig, with the registry's defaults filled in.

Identifiers and secrets are not here: they come from environment variables (see .env.example).
"""

TOOL_SETTINGS: dict = {
    "calculator": {},
    "http_request": {"allowedDomains": ["api.example.com", "status.example.com"]},
    "knowledge_base_retrieve": {"knowledgeBaseId": "KB12345678", "numberOfResults": 3, "minScore": 0.4},
    "tavily_search": {"maxResults": 3, "searchDepth": "basic"},
}
