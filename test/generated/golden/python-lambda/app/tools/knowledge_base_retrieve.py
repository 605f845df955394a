"""Bedrock Knowledge Base retrieve: Retrieve relevant passages from an Amazon Bedrock Knowledge Base."""

from typing import Any

import boto3
from strands import tool

from app.tools.settings import TOOL_SETTINGS


def create_knowledge_base_retrieve_tool(settings: Any) -> Any:
    config = TOOL_SETTINGS["knowledge_base_retrieve"]
    knowledge_base_id = settings.knowledge_base_id or config["knowledgeBaseId"]
    client = boto3.client("bedrock-agent-runtime", region_name=settings.aws_region)

    @tool
    def knowledge_base_retrieve(query: str) -> dict:
        """Search the knowledge base and return the most relevant passages with their sources.

        Args:
            query: What to look for.
        """
        response = client.retrieve(
            knowledgeBaseId=knowledge_base_id,
            retrievalQuery={"text": query[:1000]},
            retrievalConfiguration={"vectorSearchConfiguration": {"numberOfResults": config["numberOfResults"]}},
        )
        passages = [
            {
                "text": r.get("content", {}).get("text", ""),
                "score": r.get("score", 0),
                "source": r.get("location", {}).get("s3Location", {}).get("uri", ""),
            }
            for r in response.get("retrievalResults", [])
            if r.get("score", 0) >= config["minScore"]
        ]
        return {"passages": passages} if passages else {"passages": [], "note": "nothing relevant found"}

    return knowledge_base_retrieve
