import { Command } from 'commander';
import { toUsd } from '../../lambdas/core/money.ts';
import { compareModels } from '../../lambdas/models/compare.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { recommendModels } from '../../lambdas/models/recommend.ts';
import { invocationId } from '../../lambdas/models/registry.ts';
import type { Capability, ModelInfo } from '../../lambdas/models/schema.ts';
import { DEFAULT_WORKLOAD, workloadCost } from '../../lambdas/models/workload.ts';
import { json, type Output, table, thousands, usd } from './format.ts';
import {
  capabilityOption,
  csv,
  nonNegativeNumber,
  positiveInteger,
  providerOption,
  regionOption,
  workloadFrom,
  workloadOptions,
} from './options.ts';

const CAPABILITY_SHORT: Record<Capability, string> = {
  'tool-use': 'tools',
  streaming: 'stream',
  vision: 'vision',
  reasoning: 'reason',
  'prompt-caching': 'cache',
  batch: 'batch',
  'structured-output': 'json',
};

function price(model: ModelInfo, side: 'inputPerMTok' | 'outputPerMTok'): string {
  return model.provider === 'ollama' ? 'local' : usd(model.pricing[side]);
}

function modelRows(models: readonly ModelInfo[]) {
  return models.map((m) => [
    m.id,
    m.provider,
    m.name,
    price(m, 'inputPerMTok'),
    price(m, 'outputPerMTok'),
    thousands(m.contextWindow),
    m.capabilities.map((c) => CAPABILITY_SHORT[c]).join(' '),
    lifecycleText(m),
  ]);
}

function lifecycleText(m: ModelInfo): string {
  const l = m.lifecycle;
  if (l.status === 'retired') return `retired ${l.date} → ${l.replacement}`;
  if (l.status === 'legacy') return `legacy${l.retiresOn ? ` (retires ${l.retiresOn})` : ''}`;
  return 'active';
}

const MODEL_HEAD = ['id', 'provider', 'name', 'in $/1M', 'out $/1M', 'context', 'capabilities', 'lifecycle'];

export function modelsCommand(io: Output): Command {
  const models = new Command('models')
    // Options before a subcommand belong to the list; after it, to the subcommand (both have --json).
    .enablePositionalOptions()
    .description('List, recommend and compare models (Amazon Bedrock first)')
    .addOption(providerOption())
    .addOption(capabilityOption())
    .option('--max-input-price <usd>', 'maximum USD per 1M input tokens', nonNegativeNumber)
    .option('--max-output-price <usd>', 'maximum USD per 1M output tokens', nonNegativeNumber)
    .option('--min-context <tokens>', 'minimum context window in tokens', positiveInteger)
    .addOption(regionOption())
    .option('--search <text>', 'text to look for in id, name, vendor or description')
    .option('--include-retired', 'also list retired models (hidden by default)')
    .option('--json', 'print JSON')
    .action((opts) => {
      const found = loadModelRegistry().filter({
        lifecycle: opts.includeRetired ? undefined : ['active', 'legacy'],
        provider: opts.provider,
        capabilities: opts.capability,
        maxInputPrice: opts.maxInputPrice,
        maxOutputPrice: opts.maxOutputPrice,
        minContext: opts.minContext,
        region: opts.region,
        search: opts.search,
      });
      if (opts.json) return io.out(json(found));
      if (found.length === 0) return io.out('No model matches these filters.');
      io.out(table(MODEL_HEAD, modelRows(found)));
      io.out(
        `${found.length} model(s). Prices: USD per 1M tokens, ${found[0]?.provider === 'bedrock' ? 'us-east-1 on-demand' : 'list price'}.`,
      );
    });

  models
    .command('show')
    .description('Show everything the registry knows about one model')
    .argument('<id>', 'model id')
    .option('--region <region>', 'AWS Region to show the invocation id for', 'us-east-1')
    .option('--json', 'print JSON')
    .action((id: string, opts) => {
      const m = loadModelRegistry().get(id);
      if (opts.json) return io.out(json({ ...m, invocationId: invocationId(m, opts.region) }));
      const p = m.pricing;
      io.out(
        table(
          ['field', 'value'],
          [
            ['id', m.id],
            ['invoke with', invocationId(m, opts.region)],
            ['name', `${m.name} (${m.vendor}, ${m.family}, ${m.tier} tier)`],
            ['provider', m.provider + (m.recommended ? ' (recommended)' : '')],
            ['description', m.description],
            ['price per 1M tokens', `${usd(p.inputPerMTok)} in / ${usd(p.outputPerMTok)} out (${p.basis})`],
            ...(p.cacheReadPerMTok !== undefined
              ? [
                  [
                    'prompt cache',
                    `${p.cacheWritePerMTok !== undefined ? `${usd(p.cacheWritePerMTok)} write / ` : ''}${usd(p.cacheReadPerMTok)} read`,
                  ],
                ]
              : []),
            ...(p.batchInputPerMTok !== undefined
              ? [['batch', `${usd(p.batchInputPerMTok)} in / ${usd(p.batchOutputPerMTok ?? 0)} out`]]
              : []),
            ['context window', m.contextWindow.toLocaleString('en-US')],
            ['max output tokens', m.maxOutputTokens.toLocaleString('en-US')],
            ['capabilities', m.capabilities.join(', ')],
            ['good at', m.strengths.join(', ')],
            ['regions', m.regions.join(', ') || '—'],
            [
              'inference profiles',
              m.inferenceProfile
                ? `${m.inferenceProfile.geographies.join(', ')}${m.inferenceProfile.required ? ' (required)' : ''}`
                : '—',
            ],
            ['lifecycle', lifecycleText(m)],
            ['source', `${m.source} (as of ${m.asOf})`],
            ...Object.entries(m.facts ?? {}).map(([fact, p]) => [
              `${fact} source`,
              `${p.source} (as of ${p.asOf})`,
            ]),
          ],
        ),
      );
    });

  const recommend = models
    .command('recommend')
    .description('Rank models for a use case, with a score and the reasons')
    .requiredOption('--use-case <text>', 'what the agent is for, in your words')
    .option('--budget <usd>', 'monthly budget for model tokens, USD', nonNegativeNumber)
    .addOption(capabilityOption())
    .addOption(providerOption())
    .addOption(regionOption())
    .option('--tools <ids>', 'comma-separated tool ids the agent uses (tool use becomes required)', csv)
    .option('--limit <n>', 'how many models to return', positiveInteger, 5)
    .option('--json', 'print JSON');
  for (const option of workloadOptions()) recommend.addOption(option);
  recommend.action((opts) => {
    const result = recommendModels(loadModelRegistry(), {
      useCase: opts.useCase,
      budgetUsd: opts.budget,
      requiredCapabilities: opts.capability ?? [],
      tools: opts.tools ?? [],
      provider: opts.provider,
      region: opts.region,
      limit: opts.limit,
      workload: workloadFrom(opts),
    });
    if (opts.json) return io.out(json(result));
    if (result.recommendations.length > 0) {
      io.out(
        table(
          ['#', 'score', 'model', 'provider', '$/month', 'why'],
          result.recommendations.map((r, i) => [
            i + 1,
            r.score,
            `${r.model.name}\n${r.model.id}`,
            r.model.provider,
            `${usd(r.monthlyCostUsd)}${r.withinBudget === false ? '\nover budget' : ''}`,
            r.reasons.join('\n'),
          ]),
        ),
      );
    }
    for (const line of [...result.notes, ...result.assumptions]) io.out(`• ${line}`);
  });

  const compare = models
    .command('compare')
    .description('Compare 2–5 models side by side, with the same workload priced on each')
    .argument('<ids...>', '2 to 5 model ids')
    .option('--json', 'print JSON');
  for (const option of workloadOptions()) compare.addOption(option);
  compare.action((ids: string[], opts) => {
    const result = compareModels(loadModelRegistry(), { ids, workload: workloadFrom(opts) });
    if (opts.json) return io.out(json(result));
    const rows: (string | number)[][] = [
      ['provider', ...result.models.map((m) => m.provider)],
      ['tier', ...result.models.map((m) => m.tier)],
      ['input $/1M', ...result.models.map((m) => usd(m.pricing.inputPerMTok))],
      ['output $/1M', ...result.models.map((m) => usd(m.pricing.outputPerMTok))],
      ['context', ...result.models.map((m) => m.contextWindow.toLocaleString('en-US'))],
      ['max output', ...result.models.map((m) => m.maxOutputTokens.toLocaleString('en-US'))],
      ...Object.keys(CAPABILITY_SHORT).map((c) => [
        c,
        ...result.models.map((m) => (m.capabilities[c as Capability] ? 'yes' : '—')),
      ]),
      ['$/month', ...result.models.map((m) => usd(m.monthlyCost.totalUsd))],
    ];
    io.out(table(['', ...result.models.map((m) => m.name)], rows));
    const cheapest = result.models.find((m) => m.id === result.cheapest);
    io.out(`• Workload: ${result.workloadDescription}.`);
    if (cheapest)
      io.out(`• Cheapest for this workload: ${cheapest.name} (${usd(cheapest.monthlyCost.totalUsd)}/month).`);
    if (result.differences.length > 0) io.out(`• Where they differ: ${result.differences.join(', ')}.`);
  });

  return models;
}

/** One line per provider for the overview. */
export function modelSummary(): string[] {
  const all = loadModelRegistry().all();
  const byProvider = new Map<string, number>();
  for (const m of all) byProvider.set(m.provider, (byProvider.get(m.provider) ?? 0) + 1);
  const retired = all.filter((m) => m.lifecycle.status === 'retired').length;
  const legacy = all.filter((m) => m.lifecycle.status === 'legacy').length;
  const cheapestBedrock = all
    .filter(
      (m) =>
        m.provider === 'bedrock' && m.capabilities.includes('tool-use') && m.lifecycle.status !== 'retired',
    )
    .sort((a, b) =>
      Number(workloadCost(a, DEFAULT_WORKLOAD).total - workloadCost(b, DEFAULT_WORKLOAD).total),
    )[0];
  return [
    `${all.length} models: ${[...byProvider].map(([p, n]) => `${n} ${p}`).join(', ')} (${legacy} legacy, ${retired} retired).`,
    ...(cheapestBedrock
      ? [
          `Cheapest Bedrock model with tool use: ${cheapestBedrock.name}, ${usd(toUsd(workloadCost(cheapestBedrock, DEFAULT_WORKLOAD).total))}/month for 10,000 requests.`,
        ]
      : []),
  ];
}
