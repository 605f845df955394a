import { useEffect, useRef, useState } from 'react';
import { useListToolsQuery, useUpdateSessionMutation } from '../api.ts';
import type { Session, SessionContext, Tool } from '../types.ts';
import { ProblemMessage } from './ProblemMessage.tsx';

type Param = Tool['config'][number];
type Value = string | number | boolean | string[];

/** The anchor of a setting's field: "Still needed" links point here. */
export const settingAnchor = (tool: string, param: string) => `setting-${tool}-${param}`;

const SECRET_NAME = /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:)?[A-Za-z0-9/_+=.@-]{1,512}$/;
const PROVIDER_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

/** A field's text → its typed value, or why it is not valid yet. */
function parseParam(param: Param, text: string): { value?: Value; error?: string } {
  const t = text.trim();
  if (t === '') return param.required && param.default === undefined ? { error: 'Required' } : {};
  switch (param.type) {
    case 'string':
      if (param.enum && !param.enum.includes(t)) return { error: `One of ${param.enum.join(', ')}` };
      return { value: t };
    case 'string-list': {
      const items = t
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean);
      return { value: items };
    }
    case 'integer': {
      const n = Number(t.replaceAll(',', ''));
      return Number.isInteger(n) ? { value: n } : { error: 'A whole number' };
    }
    case 'number': {
      const n = Number(t.replaceAll(',', ''));
      return Number.isFinite(n) ? { value: n } : { error: 'A number' };
    }
    case 'boolean':
      return { value: t === 'true' };
  }
}

const asText = (value: unknown): string =>
  value === undefined ? '' : Array.isArray(value) ? value.join(', ') : String(value);

/**
 * The settings of the chosen tools, as forms generated from each tool's config schema in the registry:
 * required fields marked, types, enums, defaults and help text, checked as the builder types and saved
 * as they go. Secrets are never typed in: the form asks for the Secrets Manager secret name and shows
 * the environment variable the agent reads.
 */
export function ToolSettings({ session, context }: { session: Session; context: SessionContext }) {
  const tools = useListToolsQuery();
  const byId = new Map((tools.data ?? []).map((t) => [t.id, t]));
  const chosen = context.spec.tools
    .map((id) => byId.get(id))
    .filter((t): t is Tool => t !== undefined && (t.config.length > 0 || t.env.some((e) => e.secret)));
  if (chosen.length === 0) return null;
  return (
    <section className="card stack" aria-labelledby="settings-heading">
      <h2 id="settings-heading">Tool settings</h2>
      {chosen.map((tool) => (
        <ToolForm key={tool.id} tool={tool} session={session} context={context} />
      ))}
    </section>
  );
}

function ToolForm({ tool, session, context }: { tool: Tool; session: Session; context: SessionContext }) {
  const [update, saving] = useUpdateSessionMutation();
  const current = context.spec.toolConfig[tool.id] ?? {};
  const secrets = tool.env.filter((e) => e.secret);
  const [texts, setTexts] = useState<Record<string, string>>(() =>
    Object.fromEntries([
      ...tool.config.map((p) => [p.name, asText(current[p.name])]),
      ...secrets.map((e) => [`secret:${e.name}`, context.spec.secrets?.[e.name] ?? '']),
      ...secrets.map((e) => [`provider:${e.name}`, context.spec.apiKeyProviders?.[e.name] ?? '']),
    ]),
  );
  // Where each key comes from: a Secrets Manager secret, or (AgentCore, tools that read it per call)
  // an AgentCore Identity API key provider.
  const onAgentCore = context.spec.deployment.target === 'agentcore';
  const [sources, setSources] = useState<Record<string, 'secrets' | 'identity'>>(() =>
    Object.fromEntries(
      secrets.map((e) => [e.name, context.spec.apiKeyProviders?.[e.name] ? 'identity' : 'secrets']),
    ),
  );
  const [dirty, setDirty] = useState<Set<string>>(new Set());
  // Values that arrive from elsewhere (the conversation) show in fields the builder has not touched.
  const currentKey = JSON.stringify(current);
  useEffect(() => {
    const values = JSON.parse(currentKey) as Record<string, unknown>;
    setTexts((old) => {
      const next = { ...old };
      for (const p of tool.config) if (!dirty.has(p.name)) next[p.name] = asText(values[p.name]);
      return next;
    });
  }, [currentKey, tool.config, dirty]);

  const latest = useRef(session);
  latest.current = session;
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const pending = useRef<Record<string, Value | undefined>>({});
  const pendingSecrets = useRef<Record<string, string | undefined>>({});
  const pendingProviders = useRef<Record<string, string | undefined>>({});

  const flush = async () => {
    clearTimeout(timer.current);
    const values = pending.current;
    const secretValues = pendingSecrets.current;
    const providerValues = pendingProviders.current;
    pending.current = {};
    pendingSecrets.current = {};
    pendingProviders.current = {};
    if (
      Object.keys(values).length === 0 &&
      Object.keys(secretValues).length === 0 &&
      Object.keys(providerValues).length === 0
    )
      return;
    const s = latest.current;
    const own = { ...(s.selections.toolConfig?.[tool.id] ?? {}) };
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete own[k];
      else own[k] = v;
    }
    const toolConfig = { ...(s.selections.toolConfig ?? {}), [tool.id]: own };
    const secretRefs = { ...(s.selections.secrets ?? {}) };
    for (const [k, v] of Object.entries(secretValues)) {
      if (v === undefined) delete secretRefs[k];
      else secretRefs[k] = v;
    }
    const providers = { ...(s.selections.apiKeyProviders ?? {}) };
    for (const [k, v] of Object.entries(providerValues)) {
      if (v === undefined) delete providers[k];
      else providers[k] = v;
    }
    const result = await update({
      id: s.id,
      version: s.version,
      selections: {
        toolConfig,
        ...(Object.keys(secretValues).length > 0 ? { secrets: secretRefs } : {}),
        ...(Object.keys(providerValues).length > 0 ? { apiKeyProviders: providers } : {}),
      },
    });
    if ('data' in result) setDirty(new Set());
  };
  // Saved as the builder goes: shortly after they stop typing, and before the form goes away.
  const flushOnLeave = useRef(flush);
  flushOnLeave.current = flush;
  useEffect(
    () => () => {
      void flushOnLeave.current();
    },
    [],
  );
  const schedule = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void flush(), 600);
  };

  const setParam = (param: Param, text: string) => {
    setTexts((t) => ({ ...t, [param.name]: text }));
    setDirty((d) => new Set(d).add(param.name));
    const parsed = parseParam(param, text);
    if (parsed.error && text.trim() !== '') return;
    pending.current[param.name] = parsed.value;
    schedule();
  };
  const setSecret = (name: string, text: string) => {
    setTexts((t) => ({ ...t, [`secret:${name}`]: text }));
    if (text.trim() !== '' && !SECRET_NAME.test(text.trim())) return;
    pendingSecrets.current[name] = text.trim() || undefined;
    schedule();
  };
  const setProvider = (name: string, text: string) => {
    setTexts((t) => ({ ...t, [`provider:${name}`]: text }));
    if (text.trim() !== '' && !PROVIDER_NAME.test(text.trim())) return;
    pendingProviders.current[name] = text.trim() || undefined;
    schedule();
  };
  // Switching the source keeps one of them: the other is cleared.
  const setSource = (name: string, source: 'secrets' | 'identity') => {
    setSources((s) => ({ ...s, [name]: source }));
    if (source === 'identity') {
      pendingSecrets.current[name] = undefined;
      setProvider(name, texts[`provider:${name}`] ?? '');
    } else {
      pendingProviders.current[name] = undefined;
      setSecret(name, texts[`secret:${name}`] ?? '');
    }
  };
  const problemOf = (param: string) =>
    context.problems.find((p) => p.path === `toolConfig.${tool.id}.${param}`)?.message;

  return (
    <fieldset className="tool-settings">
      <legend>{tool.name}</legend>
      {tool.config.map((param) => {
        const id = settingAnchor(tool.id, param.name);
        const text = texts[param.name] ?? '';
        const local = parseParam(param, text).error;
        const required = param.required && param.default === undefined;
        const missing = context.missing.find((m) => m.field === `toolConfig.${tool.id}.${param.name}`);
        const evidence = context.evidence[`toolConfig.${tool.id}.${param.name}`];
        const error =
          (text.trim() !== '' || dirty.has(param.name) ? local : undefined) ?? problemOf(param.name);
        const note = `${id}-note`;
        return (
          <div key={param.name} className="setting">
            <label htmlFor={id}>
              <span>
                {param.name}
                {required && (
                  <span className="required" aria-hidden="true">
                    {' '}
                    *
                  </span>
                )}{' '}
                <span className="muted">
                  ({param.type === 'string-list' ? 'list, comma separated' : param.type})
                </span>
              </span>
              {param.type === 'boolean' ? (
                <select
                  id={id}
                  value={text === '' ? String(param.default ?? false) : text}
                  onChange={(e) => setParam(param, e.target.value)}
                  aria-describedby={note}
                >
                  <option value="false">No</option>
                  <option value="true">Yes</option>
                </select>
              ) : param.enum ? (
                <select
                  id={id}
                  value={text}
                  onChange={(e) => setParam(param, e.target.value)}
                  aria-describedby={note}
                  required={required}
                >
                  <option value="">
                    {param.default !== undefined ? `Default (${asText(param.default)})` : 'Choose…'}
                  </option>
                  {param.enum.map((v) => (
                    <option key={v} value={v}>
                      {v}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={id}
                  value={text}
                  required={required}
                  inputMode={param.type === 'integer' || param.type === 'number' ? 'decimal' : undefined}
                  placeholder={param.default !== undefined ? `Default: ${asText(param.default)}` : undefined}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={note}
                  onChange={(e) => setParam(param, e.target.value)}
                  onBlur={() => void flush()}
                />
              )}
            </label>
            <p id={note} className={error ? 'field-error' : 'muted'}>
              {error ?? param.description}
              {!error && evidence && evidence.source !== 'selection' && <> · {evidence.reason}</>}
            </p>
            {missing?.suggestion !== undefined && (
              <button
                type="button"
                onClick={() => {
                  setParam(param, asText(missing.suggestion));
                  void flush();
                }}
              >
                Use “{asText(missing.suggestion)}” (from ‘{missing.quote}’)
              </button>
            )}
          </div>
        );
      })}
      {secrets.map((env) => {
        const id = settingAnchor(tool.id, env.name);
        const canUseIdentity = onAgentCore && env.apiKeyProvider === true;
        const identity = canUseIdentity && sources[env.name] === 'identity';
        const text = texts[`secret:${env.name}`] ?? '';
        const bad = text.trim() !== '' && !SECRET_NAME.test(text.trim());
        const providerText = texts[`provider:${env.name}`] ?? '';
        const badProvider = providerText.trim() !== '' && !PROVIDER_NAME.test(providerText.trim());
        const providerProblem = context.problems.find(
          (p) => p.path === `apiKeyProviders.${env.name}`,
        )?.message;
        return (
          <div key={env.name} className="setting">
            {canUseIdentity && (
              <label htmlFor={`${id}-source`}>
                <span>
                  Where the agent gets <code>{env.name}</code>
                </span>
                <select
                  id={`${id}-source`}
                  value={identity ? 'identity' : 'secrets'}
                  onChange={(e) => setSource(env.name, e.target.value as 'secrets' | 'identity')}
                >
                  <option value="secrets">A Secrets Manager secret (read at start)</option>
                  <option value="identity">An AgentCore Identity API key provider (per request)</option>
                </select>
              </label>
            )}
            {identity ? (
              <>
                <label htmlFor={`${id}-provider`}>
                  <span>
                    AgentCore Identity API key provider for <code>{env.name}</code>
                  </span>
                  <input
                    id={`${id}-provider`}
                    value={providerText}
                    placeholder="e.g. tavily"
                    aria-invalid={badProvider || providerProblem ? true : undefined}
                    aria-describedby={`${id}-provider-note`}
                    onChange={(e) => setProvider(env.name, e.target.value)}
                    onBlur={() => void flush()}
                    autoComplete="off"
                  />
                </label>
                <p
                  id={`${id}-provider-note`}
                  className={badProvider || providerProblem ? 'field-error' : 'muted'}
                >
                  {badProvider
                    ? 'A provider name: letters, digits, - and _ (at most 128)'
                    : (providerProblem ??
                      `The agent fetches the key from this provider with each request's workload access token; create it with aws bedrock-agentcore-control create-api-key-credential-provider.`)}
                </p>
              </>
            ) : (
              <>
                <label htmlFor={id}>
                  <span>
                    Secrets Manager secret for <code>{env.name}</code>
                  </span>
                  <input
                    id={id}
                    value={text}
                    placeholder="e.g. prod/slack-bot-token"
                    aria-invalid={bad ? true : undefined}
                    aria-describedby={`${id}-note`}
                    onChange={(e) => setSecret(env.name, e.target.value)}
                    onBlur={() => void flush()}
                    autoComplete="off"
                  />
                </label>
                <p id={`${id}-note`} className={bad ? 'field-error' : 'muted'}>
                  {bad
                    ? 'A secret name (letters, digits and /_+=.@-) or its ARN, never the secret itself'
                    : `${env.description} Never typed here: the agent reads ${env.name} from this secret.`}
                </p>
              </>
            )}
          </div>
        );
      })}
      <ProblemMessage error={saving.error} />
    </fieldset>
  );
}
