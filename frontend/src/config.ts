/**
 * Where the app finds the platform. Locally the app is served by the platform itself, so everything
 * is same-origin. In AWS the deployment writes `/config.json` beside the app (API URL, stream URL,
 * Cognito ids), so one build serves every stage.
 */
export interface AppConfig {
  /** Base URL of the HTTP API, without `/api`; '' for same origin. */
  apiUrl: string;
  /** The test-run stream (`wss://…/live` in AWS, `/ws/testing/stream` locally). */
  streamUrl: string;
  /** Cognito sign-in, in AWS. */
  cognito?: { region: string; userPoolId: string; clientId: string };
}

export const defaultConfig = (): AppConfig => ({
  apiUrl: '',
  streamUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/testing/stream`,
});

let current: AppConfig = { apiUrl: '', streamUrl: '' };

/** Reads `/config.json` when the deployment wrote one; same-origin defaults otherwise. */
export async function loadConfig(): Promise<AppConfig> {
  const fallback = defaultConfig();
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (response.ok && (response.headers.get('content-type') ?? '').includes('json')) {
      const loaded = (await response.json()) as Partial<AppConfig>;
      current = { ...fallback, ...loaded };
      return current;
    }
  } catch {
    // no config: same origin
  }
  current = fallback;
  return current;
}

export const appConfig = () => current;
export const setAppConfig = (config: AppConfig) => {
  current = config;
};

/** The signed-in user's token (Cognito in AWS; none locally, where the platform signs you in), until it expires. */
export const authToken = (): string | undefined => {
  const token = sessionStorage.getItem('agent-builder-token') ?? undefined;
  const expires = Number(sessionStorage.getItem('agent-builder-token-expires') ?? 0);
  return token && Date.now() < expires ? token : undefined;
};
export const setAuthToken = (value: string | undefined, expiresInSeconds = 3600) => {
  if (value) {
    sessionStorage.setItem('agent-builder-token', value);
    sessionStorage.setItem(
      'agent-builder-token-expires',
      String(Date.now() + expiresInSeconds * 1000 - 60_000),
    );
  } else {
    sessionStorage.removeItem('agent-builder-token');
    sessionStorage.removeItem('agent-builder-token-expires');
  }
};
