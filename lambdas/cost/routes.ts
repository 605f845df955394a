import { defineRoutes } from '../core/contract.ts';
import { CostEstimate, CostInput } from './estimate.ts';

/** The cost feature: the monthly cost of an AgentSpec, with the free tier and ranked optimisations. */
export const costRoutes = defineRoutes('cost', {
  estimateCost: {
    method: 'POST',
    path: '/api/cost-estimate',
    auth: true,
    summary: 'Monthly cost of an AgentSpec',
    description:
      'Send an AgentSpec or just its cost fields. Each optimisation that changes the spec carries a `patch` to apply as is.',
    body: CostInput,
    responses: { 200: CostEstimate },
  },
});
