import { resolve } from 'node:path';
import type { PlatformConfig } from '../config.ts';
import { DEFAULT_FLAGS, type Features, OpenFeatureFeatures } from '../flags/features.ts';
import { logger } from '../http.ts';
import { AppConfigFlagSource } from './appconfig-flags.ts';
import { FileFlagSource } from './file-flags.ts';

/** The platform's flags from its configuration: AppConfig in AWS, the flags file locally. */
export function createFeatures(config: PlatformConfig): Features {
  const { APPCONFIG_APPLICATION: application, APPCONFIG_ENVIRONMENT: environment } = config;
  const profile = config.APPCONFIG_FLAGS_PROFILE;
  const source =
    application && environment && profile
      ? AppConfigFlagSource.create({ application, environment, profile }, config.AWS_REGION)
      : new FileFlagSource(DEFAULT_FLAGS.values, resolve(config.FLAGS_FILE));
  return new OpenFeatureFeatures(source, `agent-builder ${source.description}`, (error) =>
    logger.warn('feature flags unavailable; the bundled defaults answer', {
      source: source.description,
      error: error instanceof Error ? error.message : String(error),
    }),
  );
}
