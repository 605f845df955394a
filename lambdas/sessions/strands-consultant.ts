import { z } from 'zod';
import { AWS_RETRY } from '../core/adapters/aws-retry.ts';
import { regionalModelId } from '../core/aws-region.ts';
import { type BreakerOptions, DependencyBreaker } from '../core/breaker.ts';
import type { PlatformConfig } from '../core/config.ts';
import { recommendModels } from '../models/recommend.ts';
import type { Registries } from '../registries/validate.ts';
import type { ModelConsultant, ModelConsultation } from './consultant.ts';
import type { ExtractedContext } from './extract.ts';
import type { Session } from './model.ts';
import { matchTools } from './understand/tools.ts';

/**
 * The draft the model fills in: the AgentSpec's fields, loosely typed on purpose so that one bad field
 * does not make the model retry the whole answer; the platform checks each field (checkDraft) and
 * drops what does not fit, with a note.
 */
const ConsultationOutput = z
  .object({
    reply: z
      .string()
      .describe(
        'Your answer to the builder, in plain words: what you understood and changed, then one question.',
      ),
    nextQuestion: z.string().optional().describe('The single most useful question to ask next, if any.'),
    draft: z
      .object({
        name: z.string().optional(),
        description: z.string().optional(),
        language: z.string().optional().describe('typescript or python'),
        model: z.string().optional().describe('A model id from recommend_models'),
        systemPrompt: z
          .string()
          .optional()
          .describe("The agent's instructions: its job only, never budget, language, hosting or volume"),
        tools: z.array(z.string()).optional().describe('Tool ids from search_tools'),
        toolConfig: z
          .record(z.string(), z.record(z.string(), z.unknown()))
          .optional()
          .describe('Settings by tool id, then parameter name, as tool_settings lists them'),
        deployment: z
          .object({ target: z.string().optional() })
          .optional()
          .describe('target: agentcore, ecs-fargate or lambda'),
        usage: z.object({ requestsPerMonth: z.number().optional() }).optional(),
        budget: z.object({ monthlyUsd: z.number().optional() }).optional(),
      })
      .describe('Only the fields the conversation supports; leave the rest out.'),
  })
  .describe('The consultation result');

const INSTRUCTIONS = `You are the solutions architect of Agent Builder Platform. A builder describes an AI agent they
need; you turn the conversation into an AgentSpec draft and ask the follow-up questions a senior AWS
solutions architect would ask. Use search_tools to find tools by what the builder needs, tool_settings
to learn a tool's required settings, and recommend_models for the model. Only use ids these tools
return. Never invent a setting's value: ask for it. Keep the system prompt about the agent's job.
Finish with the structured output: your reply, the next question, and the draft.`;

/** Builds the model-backed consultant the configuration asks for, or none (the rule-based one answers). */
export async function createModelConsultant(
  config: PlatformConfig,
  registries: Registries,
  breakerOptions: BreakerOptions = {},
): Promise<ModelConsultant | undefined> {
  const choice =
    config.CONSULTANT === 'auto'
      ? config.OPENAI_COMPATIBLE_BASE_URL && config.OPENAI_COMPATIBLE_MODEL
        ? 'openai-compatible'
        : config.HAS_AWS_CREDENTIALS === 'true'
          ? 'bedrock'
          : 'deterministic'
      : config.CONSULTANT;
  if (choice === 'deterministic') return undefined;
  // Loaded only when a model answers: the rule-based path never pays for the SDK.
  const { Agent, tool } = await import('@strands-agents/sdk');
  let model: ConstructorParameters<typeof Agent>[0] extends infer C
    ? C extends { model?: infer M }
      ? M
      : never
    : never;
  let label: string;
  let dependency: string;
  if (choice === 'openai-compatible') {
    if (!config.OPENAI_COMPATIBLE_BASE_URL || !config.OPENAI_COMPATIBLE_MODEL) return undefined;
    const { OpenAIModel } = await import('@strands-agents/sdk/models/openai');
    model = new OpenAIModel({
      api: 'chat',
      modelId: config.OPENAI_COMPATIBLE_MODEL,
      apiKey: config.OPENAI_COMPATIBLE_API_KEY ?? 'not-needed',
      clientConfig: {
        baseURL: config.OPENAI_COMPATIBLE_BASE_URL,
        timeout: config.CONSULTANT_TIMEOUT_MS,
        maxRetries: 1,
      },
    });
    label = `${config.OPENAI_COMPATIBLE_MODEL} at ${new URL(config.OPENAI_COMPATIBLE_BASE_URL).host}`;
    dependency = `the OpenAI-compatible endpoint at ${new URL(config.OPENAI_COMPATIBLE_BASE_URL).host}`;
  } else {
    const { BedrockModel } = await import('@strands-agents/sdk/models/bedrock');
    const modelId = regionalModelId(config.CONSULTANT_BEDROCK_MODEL, config.AWS_REGION);
    // The SDK's own retries (aws-retry.ts) are the only retry layer; the agent's are off below.
    model = new BedrockModel({ modelId, region: config.AWS_REGION, clientConfig: { ...AWS_RETRY } });
    label = `${modelId} on Amazon Bedrock`;
    dependency = 'Amazon Bedrock';
  }

  const tools = [
    tool({
      name: 'search_tools',
      description:
        'Find agent tools in the registry by what the builder needs ("post to Slack", "our policy documents").',
      inputSchema: z.object({ need: z.string().describe('What the agent must be able to do, in words') }),
      callback: ({ need }) => {
        const ids = new Set(matchTools(registries.tools, need).map((m) => m.toolId));
        const words = need
          .toLowerCase()
          .split(/\W+/)
          .filter((w) => w.length > 3);
        for (const t of registries.tools.all())
          if (words.some((w) => `${t.name} ${t.description}`.toLowerCase().includes(w))) ids.add(t.id);
        return [...ids].slice(0, 8).map((id) => {
          const t = registries.tools.get(id);
          return {
            id: t.id,
            name: t.name,
            description: t.description,
            languages: Object.keys(t.implementations),
            unsupportedOn: Object.entries(t.platforms)
              .filter(([, p]) => p.status === 'unsupported')
              .map(([target]) => target),
          };
        });
      },
    }),
    tool({
      name: 'tool_settings',
      description: "A tool's settings (required ones first) and the secrets it reads from Secrets Manager.",
      inputSchema: z.object({ toolId: z.string() }),
      callback: ({ toolId }) => {
        const t = registries.tools.find(toolId);
        if (!t) return { error: `no tool ${toolId}; use search_tools` };
        return {
          settings: t.config.map((p) => ({
            name: p.name,
            type: p.type,
            required: p.required && p.default === undefined,
            description: p.description,
            ...(p.enum ? { enum: p.enum } : {}),
          })),
          secrets: t.env.filter((e) => e.secret).map((e) => e.name),
        };
      },
    }),
    tool({
      name: 'recommend_models',
      description: 'The models that fit a use case, with monthly cost for the given volume.',
      inputSchema: z.object({
        useCase: z.string(),
        requestsPerMonth: z.number().int().positive().optional(),
        budgetUsd: z.number().positive().optional(),
        needsTools: z.boolean().optional(),
      }),
      callback: ({ useCase, requestsPerMonth, budgetUsd, needsTools }) =>
        recommendModels(registries.models, {
          useCase: useCase.slice(0, 4000) || 'an AI agent',
          ...(budgetUsd ? { budgetUsd } : {}),
          requiredCapabilities: needsTools ? ['tool-use'] : [],
          ...(requestsPerMonth
            ? { workload: { requestsPerMonth, avgInputTokens: 1000, avgOutputTokens: 300 } }
            : {}),
          limit: 5,
        }).recommendations.map((r) => ({
          id: r.model.id,
          name: r.model.name,
          monthlyCostUsd: r.monthlyCostUsd,
          reasons: r.reasons,
        })),
    }),
  ];

  // When the model fails as a whole, the breaker opens and each message gets the rule-based reply at
  // once (labelled by the workflow) instead of waiting out the timeout first.
  const breaker = new DependencyBreaker(dependency, {
    timeout: config.CONSULTANT_TIMEOUT_MS,
    ...breakerOptions,
  });
  return {
    label,
    async consult({ session, message, context }): Promise<ModelConsultation> {
      const agent = new Agent({
        model,
        tools,
        systemPrompt: INSTRUCTIONS,
        printer: false,
        structuredOutputSchema: ConsultationOutput,
        retryStrategy: null,
      });
      const result = await breaker.call(() => agent.invoke(prompt(session, message, context)));
      const output = ConsultationOutput.parse(result.structuredOutput);
      return {
        reply: output.reply,
        draft: output.draft,
        ...(output.nextQuestion ? { nextQuestion: output.nextQuestion } : {}),
      };
    },
  };
}

/** The conversation so far and the current draft, as the model reads them. */
function prompt(session: Session, message: string, context: ExtractedContext): string {
  const history = session.messages
    .slice(-20, -1)
    .map((m) => `${m.role === 'user' ? 'Builder' : 'You'}: ${m.text}`)
    .join('\n');
  return [
    history ? `Conversation so far:\n${history}` : 'This is the first message.',
    `Current draft (JSON): ${JSON.stringify(context.spec)}`,
    `Still missing: ${context.missing.map((m) => `${m.field} (${m.question})`).join('; ') || 'nothing'}`,
    `The builder now says: ${message}`,
  ].join('\n\n');
}
