import { BedrockModel } from '@strands-agents/sdk/models/bedrock';
import type { Model } from '@strands-agents/sdk';
import type { AgentConfig } from './config.js';

/**
 * Claude Haiku 4.5 on Amazon Bedrock, called with the runtime's IAM role (no API keys).
 * MODEL_ID is the id to invoke: the cross-Region inference profile us.anthropic.claude-haiku-4-5-20251001-v1:0 (Bedrock requires a profile for this model).
 */
export function createModel(config: AgentConfig): Model {
  return new BedrockModel({
    modelId: config.MODEL_ID,
    region: config.AWS_REGION,
    maxTokens: config.MAX_TOKENS,
  });
}
