import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Returns `env` with each secret filled in from AWS Secrets Manager where the variable itself is
 * unset and `<NAME>_SECRET_ID` names a secret (a plain string secret, or JSON with a key of that name).
 */
export async function resolveSecrets(
  env: NodeJS.ProcessEnv,
  names: readonly string[],
  client: Pick<SecretsManagerClient, 'send'> = new SecretsManagerClient({}),
): Promise<NodeJS.ProcessEnv> {
  const resolved: NodeJS.ProcessEnv = { ...env };
  await Promise.all(
    names.map(async (name) => {
      const secretId = env[`${name}_SECRET_ID`];
      if (env[name] || !secretId) return;
      const result = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      const value = result.SecretString ?? '';
      resolved[name] = fromSecretString(value, name);
    }),
  );
  return resolved;
}

function fromSecretString(value: string, name: string): string {
  if (!value.trimStart().startsWith('{')) return value;
  try {
    const json = JSON.parse(value) as Record<string, unknown>;
    const field = json[name];
    return typeof field === 'string' ? field : value;
  } catch {
    return value;
  }
}
