import { Command } from 'commander';
import { estimateCost } from '../../lambdas/cost/advise.ts';
import { parseCostInput } from '../../lambdas/cost/estimate.ts';
import { loadPriceList } from '../../lambdas/cost/pricing.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { json, type Output, price, table, usd } from './format.ts';
import { readSpec } from './generate.ts';

function quantity(n: number, unit: string): string {
  return `${n.toLocaleString('en-US', { maximumFractionDigits: 4 })} ${unit}${n === 1 ? '' : 's'}`;
}

export function costCommand(io: Output): Command {
  return new Command('cost')
    .description('Estimate the monthly cost of an AgentSpec: line items, totals, free tier and advice')
    .requiredOption('--spec <file>', 'the AgentSpec file (YAML or JSON)')
    .option('--json', 'print JSON')
    .action((opts) => {
      const estimate = estimateCost(parseCostInput(readSpec(opts.spec)), {
        models: loadModelRegistry(),
        prices: loadPriceList(),
      });
      if (opts.json) return io.out(json(estimate));
      io.out(
        table(
          ['service', 'what', 'quantity', 'unit price', 'free tier', '$/month'],
          estimate.lineItems.map((i) => [
            i.service,
            i.what,
            quantity(i.quantity, i.unit),
            `${price(i.unitPrice.usd)} per ${i.unitPrice.per === 1 ? i.unitPrice.unit : `${i.unitPrice.per.toLocaleString('en-US')} ${i.unitPrice.unit}s`}`,
            i.freeTierUnits > 0 ? `-${quantity(i.freeTierUnits, i.unit)}` : '',
            usd(i.costUsd),
          ]),
        ),
      );
      const m = estimate.monthly;
      io.out(
        table(
          ['monthly', 'USD'],
          [
            ['model', usd(m.model)],
            ['compute', usd(m.compute)],
            ['storage and other', usd(m.storageOther)],
            ['total', usd(m.total)],
            ['annual', usd(estimate.annual)],
            ['free tier saves', usd(estimate.freeTierSavings)],
          ],
        ),
      );
      if (estimate.budget) {
        const b = estimate.budget;
        io.out(
          b.overBudget
            ? `Over the ${usd(b.monthlyUsd)}/month budget by ${usd(b.gapUsd)}.${b.toMeetBudget.length > 0 ? ` To get under it: ${b.toMeetBudget.join(', ')}.` : ' No combination of the suggestions below gets under it.'}${b.waysUnder.length > 0 ? ` Alone, each of these does: ${b.waysUnder.map((w) => w.text).join('; ')}.` : ''}`
            : `Within the ${usd(b.monthlyUsd)}/month budget.`,
        );
      }
      if (estimate.optimizations.length > 0) {
        io.out('\nHow to spend less:');
        for (const [index, o] of estimate.optimizations.entries()) {
          io.out(`${index + 1}. ${o.title}: save ${usd(o.savingUsd)}/month. ${o.tradeoff}`);
        }
      }
      io.out('\nAssumptions:');
      for (const a of estimate.assumptions) io.out(`• ${a}`);
    });
}
