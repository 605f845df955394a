/**
 * Flags dangerous content in a system prompt before it is baked into generated code. Nothing is
 * changed: the prompt is the builder's; the findings come back as warnings with a short, redacted
 * excerpt so the secret itself is not repeated.
 */
export interface PromptFinding {
  code: 'possible-secret' | 'prompt-injection-marker' | 'hidden-characters' | 'very-long-prompt';
  message: string;
}

const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/aws_secret_access_key\s*[=:]\s*\S{20,}/i, 'an AWS secret access key'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\bsk-ant-[A-Za-z0-9_-]{20,}/, 'an Anthropic API key'],
  [/\bsk-(proj-)?[A-Za-z0-9_-]{20,}/, 'an OpenAI-style API key'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  [/\b(password|passwd|secret|api[_-]?key|token)\s*[:=]\s*["']?[^\s"']{8,}/i, 'a credential assignment'],
];

const INJECTION_PATTERNS: RegExp[] = [
  /ignore (all |any )?(the )?(previous|prior|above|earlier) (instructions|prompts?|rules)/i,
  /disregard (all |any )?(the )?(previous|prior|above|earlier)/i,
  /<\|im_(start|end)\|>|<\|endoftext\|>|<\|system\|>/,
  /\[\/?INST\]|<<\/?SYS>>/,
  /you are now (in )?(developer|dan|jailbreak) mode/i,
];

const HIDDEN = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

export function sanitizeSystemPrompt(prompt: string): PromptFinding[] {
  const findings: PromptFinding[] = [];
  for (const [pattern, what] of SECRET_PATTERNS) {
    const match = pattern.exec(prompt);
    if (match) {
      findings.push({
        code: 'possible-secret',
        message: `The system prompt seems to contain ${what} ("${redact(match[0])}"). Secrets must not be in prompts: the prompt is compiled into the agent and sent to the model. Use an environment variable or AWS Secrets Manager.`,
      });
    }
  }
  for (const pattern of INJECTION_PATTERNS) {
    const match = pattern.exec(prompt);
    if (match) {
      findings.push({
        code: 'prompt-injection-marker',
        message: `The system prompt contains a prompt-injection marker ("${match[0].slice(0, 40)}"). If it was pasted from elsewhere, check it.`,
      });
    }
  }
  if (HIDDEN.test(prompt)) {
    findings.push({
      code: 'hidden-characters',
      message:
        'The system prompt contains invisible or text-direction characters; they are kept, and written as escapes in the code.',
    });
  }
  if (prompt.length > 50_000) {
    findings.push({
      code: 'very-long-prompt',
      message: `The system prompt is ${prompt.length.toLocaleString('en-US')} characters; it is sent with every request, so it drives cost and latency. Consider prompt caching or a knowledge base.`,
    });
  }
  return findings;
}

function redact(secret: string): string {
  return secret.length <= 8 ? '…' : `${secret.slice(0, 4)}…${secret.slice(-2)}`;
}
