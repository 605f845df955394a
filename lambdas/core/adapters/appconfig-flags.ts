import {
  AppConfigDataClient,
  GetLatestConfigurationCommand,
  type GetLatestConfigurationCommandOutput,
  StartConfigurationSessionCommand,
} from '@aws-sdk/client-appconfigdata';
import type { FlagSource } from '../flags/provider.ts';
import { FlagValues } from '../flags/rollout.ts';
import { AWS_RETRY } from './aws-retry.ts';

export interface AppConfigProfile {
  application: string;
  environment: string;
  profile: string;
}

/**
 * The flags in AWS: an AppConfig feature-flag profile read through the AppConfig data API. Values are
 * cached for the poll interval AppConfig asks for (at least `minPollSeconds`); between polls no call
 * is made, and a poll that brings nothing new keeps the cached values.
 */
export class AppConfigFlagSource implements FlagSource {
  private token: string | undefined;
  private values: FlagValues | undefined;
  private nextPollAt = 0;
  private readonly listeners: (() => void)[] = [];
  readonly description: string;

  constructor(
    private readonly client: Pick<AppConfigDataClient, 'send'>,
    private readonly ids: AppConfigProfile,
    private readonly minPollSeconds = 30,
    private readonly now: () => number = Date.now,
  ) {
    this.description = `AppConfig ${ids.application}/${ids.environment}/${ids.profile}`;
  }

  static create(ids: AppConfigProfile, region: string): AppConfigFlagSource {
    return new AppConfigFlagSource(new AppConfigDataClient({ region, ...AWS_RETRY }), ids);
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  async load(): Promise<FlagValues> {
    if (this.values && this.now() < this.nextPollAt) return this.values;
    if (!this.token) {
      const session = await this.client.send(
        new StartConfigurationSessionCommand({
          ApplicationIdentifier: this.ids.application,
          EnvironmentIdentifier: this.ids.environment,
          ConfigurationProfileIdentifier: this.ids.profile,
          RequiredMinimumPollIntervalInSeconds: this.minPollSeconds,
        }),
      );
      this.token = session.InitialConfigurationToken;
    }
    let latest: GetLatestConfigurationCommandOutput;
    try {
      latest = await this.client.send(new GetLatestConfigurationCommand({ ConfigurationToken: this.token }));
    } catch (error) {
      // A token is good for one call and expires after 24 h: start a new session next time.
      this.token = undefined;
      throw error;
    }
    this.token = latest.NextPollConfigurationToken;
    this.nextPollAt =
      this.now() + Math.max(this.minPollSeconds, latest.NextPollIntervalInSeconds ?? 0) * 1000;
    // An empty body means "nothing new since the last poll".
    if (latest.Configuration && latest.Configuration.length > 0) {
      const previous = this.values;
      // A feature-flag profile is served as its values: `{ "<flag>": { "enabled": …, <attributes> } }`.
      this.values = FlagValues.parse(JSON.parse(new TextDecoder().decode(latest.Configuration)));
      if (previous) for (const listener of this.listeners) listener();
    }
    if (!this.values) throw new Error('AppConfig returned no flags');
    return this.values;
  }
}
