import { BedrockAgentRuntimeClient, RetrieveCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { tool } from '@strands-agents/sdk';
import { z } from 'zod';
import type { AgentConfig } from '../config.js';
import { TOOL_SETTINGS } from './settings.js';

/** Bedrock Knowledge Base retrieve: Retrieve relevant passages from an Amazon Bedrock Knowledge Base. */
export function createKnowledgeBaseRetrieveTool(config: AgentConfig) {
  const settings = TOOL_SETTINGS.knowledgeBaseRetrieve;
  const knowledgeBaseId = config.KNOWLEDGE_BASE_ID ?? settings.knowledgeBaseId;
  const client = new BedrockAgentRuntimeClient({ region: config.AWS_REGION });
  return tool({
    name: 'knowledge_base_retrieve',
    description: 'Search the knowledge base and return the most relevant passages with their sources.',
    inputSchema: z.object({ query: z.string().min(1).max(1000).describe('the question or keywords to look up') }),
    callback: async ({ query }) => {
      const response = await client.send(
        new RetrieveCommand({
          knowledgeBaseId,
          retrievalQuery: { text: query },
          retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: settings.numberOfResults } },
        }),
      );
      const passages = (response.retrievalResults ?? [])
        .filter((r) => (r.score ?? 0) >= settings.minScore)
        .map((r) => ({ text: r.content?.text ?? '', score: r.score ?? 0, source: r.location?.s3Location?.uri ?? r.location?.webLocation?.url ?? '' }));
      return passages.length > 0 ? { passages } : { passages, note: 'nothing relevant found' };
    },
  });
}
