import { describe, expect, it } from 'vitest';
import { configEnv, PlatformConfig, processBasics } from '../../lambdas/core/config.ts';

describe('what a child process of the platform is given', () => {
  it('keeps the path, CA bundle, proxy and npm settings it needs to install, and nothing else', () => {
    const env = {
      PATH: '/usr/bin',
      HOME: '/root',
      NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt',
      HTTPS_PROXY: 'http://proxy:3128',
      npm_config_cache: '/root/.npm',
      JWT_SECRET: 'platform-secret-0123456789',
      AWS_SECRET_ACCESS_KEY: 'real-key',
    };
    expect(processBasics(env)).toEqual({
      PATH: '/usr/bin',
      HOME: '/root',
      NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt',
      HTTPS_PROXY: 'http://proxy:3128',
      npm_config_cache: '/root/.npm',
    });
  });

  it('passes the configuration as environment variables, without the JWT secret', () => {
    const config = PlatformConfig.parse({ AUTH_MODE: 'jwt', JWT_SECRET: 'platform-secret-0123456789' });
    const env = configEnv(config);
    expect(env.AUTH_MODE).toBe('jwt');
    expect(env).not.toHaveProperty('JWT_SECRET');
    expect(PlatformConfig.parse(env).TABLE_NAME).toBe(config.TABLE_NAME);
  });
});
