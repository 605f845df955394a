import { starterSuiteYaml, suiteSchemaFile } from '../../evaluations/starter.ts';
import { factProvenance } from '../../models/schema.ts';
import type { PlannedFile, ProjectContext } from '../project.ts';

/**
 * The evaluation files both languages carry: the starter suite written from the spec, the suite
 * format's JSON Schema (for editors), and the agent model's registry price (for the cost assertions).
 */
export function evaluationFiles(context: ProjectContext, runCommand: string): PlannedFile[] {
  const { pricing } = context.model;
  const provenance = factProvenance(context.model, 'pricing');
  const price = {
    modelId: context.model.id,
    inputPerMTok: pricing.inputPerMTok,
    outputPerMTok: pricing.outputPerMTok,
    basis: pricing.basis,
    source: provenance.source,
    asOf: provenance.asOf,
  };
  return [
    {
      path: 'evals/main.yaml',
      content: starterSuiteYaml(
        {
          name: context.spec.name,
          description: context.spec.description ?? '',
          systemPrompt: context.spec.systemPrompt,
          tools: context.tools.map((t) => ({ id: t.id, kind: t.kind, example: t.example })),
        },
        runCommand,
      ),
    },
    { path: 'evals/suite.schema.json', content: suiteSchemaFile() },
    { path: 'evals/model-price.json', content: `${JSON.stringify(price, null, 2)}\n` },
  ];
}
