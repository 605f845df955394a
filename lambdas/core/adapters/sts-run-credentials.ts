import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { UpstreamError } from '../errors.ts';

/**
 * Credentials for one runner task: the run role assumed with a session policy that names only the
 * run's own keys, for as long as the run may last. The task itself holds no data permissions.
 */
export class StsRunCredentials {
  constructor(
    private readonly client: STSClient,
    private readonly roleArn: string,
  ) {}

  async issue(
    runId: string,
    policy: Record<string, unknown>,
    seconds: number,
  ): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }> {
    const result = await this.client.send(
      new AssumeRoleCommand({
        RoleArn: this.roleArn,
        RoleSessionName: `run-${runId}`.slice(0, 64),
        Policy: JSON.stringify(policy),
        // STS allows 15 minutes to the role's maximum (set to 12 hours in CDK).
        DurationSeconds: Math.min(Math.max(Math.ceil(seconds), 900), 43_200),
      }),
    );
    const c = result.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
      throw new UpstreamError('the test runner could not get credentials for this run; try again');
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  }
}
