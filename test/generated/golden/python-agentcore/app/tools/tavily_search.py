"""Tavily web search: Search the web with Tavily's search API built for AI agents."""

from typing import Any

from strands import tool
from tavily import TavilyClient

from app.credentials import credential
from app.tools.settings import TOOL_SETTINGS


def create_tavily_search_tool(settings: Any) -> Any:
    config = TOOL_SETTINGS["tavily_search"]

    @tool
    def tavily_search(query: str) -> dict:
        """Search the web for current information; returns titles, URLs and content snippets.

        Args:
            query: What to search for.
        """
        client = TavilyClient(api_key=credential(settings, "TAVILY_API_KEY"))
        r = client.search(query[:400], max_results=config["maxResults"], search_depth=config["searchDepth"])
        return {"results": [{"title": x.get("title", ""), "url": x.get("url", ""), "content": x.get("content", "")} for x in r.get("results", [])]}

    return tavily_search
