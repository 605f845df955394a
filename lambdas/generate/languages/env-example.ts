import { keepsSessionsInS3 } from '../iam.ts';
import type { ProjectContext } from '../project.ts';

/** `.env.example`: every setting by name, never a secret value. Shared by both languages. */
export function envExample(context: ProjectContext): string {
  const lines = [
    '# Settings for this agent. Copy to .env (git-ignored) and fill in. Never commit secrets.',
    '# A secret may instead come from AWS Secrets Manager: set <NAME>_SECRET_ID to the secret id or ARN.',
    '',
    `AWS_REGION=${context.deployment.region}`,
    `MODEL_ID=${context.model.invocationId}`,
    'PORT=8080',
    'LOG_LEVEL=INFO',
  ];
  if (context.model.provider === 'ollama') lines.push('OLLAMA_HOST=http://localhost:11434');
  lines.push('# OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318');
  // Python always has boto3; a TypeScript agent has the S3 client where its stack keeps sessions in S3.
  const s3Sessions = context.spec.language === 'python' || keepsSessionsInS3(context);
  lines.push(
    '',
    '# Where conversations are kept beyond one process (first set wins; default: in memory).',
    ...(s3Sessions ? ['# SESSION_BUCKET='] : []),
    '# SESSION_DIR=.sessions',
  );
  for (const variable of context.env) {
    lines.push(
      '',
      `# ${variable.description}${variable.required ? ' (required)' : ' (optional)'}${variable.secret ? ' Secret.' : ''}`,
    );
    lines.push(`${variable.required ? '' : '# '}${variable.name}=`);
    const provider = context.spec.apiKeyProviders?.[variable.name];
    if (provider) {
      lines.push(
        `# On AgentCore Runtime, unset: fetched from the AgentCore Identity API key provider "${provider}".`,
      );
    } else if (variable.secret) {
      // The secret's name in Secrets Manager, when the builder gave it: a name, never the value.
      const secretId = context.spec.secrets?.[variable.name];
      lines.push(secretId ? `${variable.name}_SECRET_ID=${secretId}` : `# ${variable.name}_SECRET_ID=`);
    }
  }
  return `${lines.join('\n')}\n`;
}
