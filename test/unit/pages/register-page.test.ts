import type { Context } from 'aws-lambda';

/**
 * The register page's password hint is the length the service enforces
 * (config.passwordMinLength, PASSWORD_MIN_LENGTH), never a number of its own.
 */
const ENV = { USERS_TABLE: 'u', TOKENS_TABLE: 't', ATTEMPTS_TABLE: 'a', LOG_LEVEL: 'silent' };

/** GET /register as its handler answers, and the config it read, under `env`. */
async function signUpPageWith(env: Record<string, string>) {
  const saved = process.env;
  process.env = { ...ENV, ...env };
  try {
    let handler: typeof import('../../../functions/pages/register').handler | undefined;
    let config: typeof import('../../../lib/platform/config').config | undefined;
    jest.isolateModules(() => {
      handler = require('../../../functions/pages/register').handler;
      config = require('../../../lib/platform/config').config;
    });
    const event = { httpMethod: 'GET', path: '/register', headers: {}, queryStringParameters: null, body: null };
    const response = await handler!(event as never, { awsRequestId: 'lambda-1' } as Context);
    return { body: String(response.body), config: config! };
  } finally {
    process.env = saved;
  }
}

it('says the default minimum the service enforces', async () => {
  const { body, config } = await signUpPageWith({});
  expect(config.passwordMinLength).toBe(15);
  expect(body).toContain('At least 15 characters.');
  expect(body).not.toMatch(/At least 8 characters/);
});

it('follows PASSWORD_MIN_LENGTH, as the password check does', async () => {
  const { body, config } = await signUpPageWith({ PASSWORD_MIN_LENGTH: '12' });
  expect(config.passwordMinLength).toBe(12);
  expect(body).toContain('At least 12 characters.');
});

it('keeps the hint on a refused form rendered by the register route', () => {
  const { signUpPage } = require('../../../lib/pages/auth-pages') as typeof import('../../../lib/pages/auth-pages');
  expect(String(signUpPage({ passwordMinLength: 20, error: 'Password must be at least 20 characters', invalid: 'password' }))).toContain(
    'At least 20 characters.',
  );
});
