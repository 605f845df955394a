// Tool settings from the AgentSpec's toolConfig, with the registry's defaults filled in.
// Identifiers and secrets are not here: they come from environment variables (see .env.example).

export const TOOL_SETTINGS = {
  calculator: {},
  httpRequest: { allowedDomains: ["api.example.com", "status.example.com"] },
  knowledgeBaseRetrieve: { knowledgeBaseId: "KB12345678", numberOfResults: 3, minScore: 0.4 },
  tavilySearch: { maxResults: 3, searchDepth: "basic" },
} as const;
