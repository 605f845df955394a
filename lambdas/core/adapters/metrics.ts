import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

import type { PlatformConfig } from '../config.ts';
import { OUTCOMES, type RequestExposure } from '../flags/exposure.ts';

/** The namespace of the platform's own metrics (the dashboard reads them from there). */
export const METRICS_NAMESPACE = 'AgentBuilder';

/** One request, measured: its route, status, duration and what it saw of the rollout. */
export interface RequestMeasure {
  route: string;
  status: number;
  ms: number;
  exposure: RequestExposure;
}

/** Where request and rollout metrics go: CloudWatch (EMF through Powertools) in AWS, nowhere locally. */
export interface PlatformMetrics {
  request(measure: RequestMeasure): void;
}

/**
 * Metrics as CloudWatch embedded metric format (Powertools Metrics): per route, latency (p50/p95/p99
 * on the dashboard); per flag and variant, requests, server errors, latency and each outcome; and per
 * route, flag and variant, latency. Each value is its own EMF record.
 */
export class EmfMetrics implements PlatformMetrics {
  constructor(
    private readonly metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'agent-builder' }),
  ) {}

  private emit(dimensions: Record<string, string>, values: [name: string, unit: Unit, value: number][]) {
    // A single metric is published by its addMetric, dimensions and all: one per value.
    for (const [name, unit, value] of values) {
      const single = this.metrics.singleMetric();
      single.addDimensions(dimensions);
      single.addMetric(name, unit, value);
    }
  }

  request({ route, status, ms, exposure }: RequestMeasure): void {
    const serverError = status >= 500 ? 1 : 0;
    this.emit({ route }, [['Latency', MetricUnit.Milliseconds, ms]]);
    for (const [flag, variant] of exposure.flags) {
      this.emit({ flag, variant }, [
        ['Requests', MetricUnit.Count, 1],
        ['ServerErrors', MetricUnit.Count, serverError],
        ['Latency', MetricUnit.Milliseconds, ms],
        ...exposure.outcomes.map(
          ({ kind, good }) => [OUTCOMES[kind][good ? 0 : 1], MetricUnit.Count, 1] as [string, Unit, number],
        ),
      ]);
      this.emit({ route, flag, variant }, [['Latency', MetricUnit.Milliseconds, ms]]);
    }
  }
}

/** Measures nothing: the local platform and tests, where no CloudWatch reads stdout. */
export const NO_METRICS: PlatformMetrics = { request: () => {} };

export const createMetrics = (config: PlatformConfig): PlatformMetrics =>
  config.METRICS === 'emf' ? new EmfMetrics() : NO_METRICS;
