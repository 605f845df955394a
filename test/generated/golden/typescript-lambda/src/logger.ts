import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs (CloudWatch-friendly) for the agent; one logger per process. */
export function createLogger(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'): Logger {
  return new Logger({ serviceName: "support-triage", logLevel: level });
}

export type { Logger };
