/** The settings a deployed function refuses to start without, or with unsafe values. */
const BASE = { USERS_TABLE: 'u', TOKENS_TABLE: 't', ATTEMPTS_TABLE: 'a', KONG_ADMIN_URL: 'http://10.0.1.5:8001' };
const DEPLOYED = {
  ...BASE,
  AWS_LAMBDA_FUNCTION_NAME: 'kong-lambda-auth-prod-signin',
  PASSWORD_PEPPER: 'p'.repeat(40),
  DEVICE_TOKEN_SECRET: 'd'.repeat(40),
  ISSUER_URL: 'https://auth.example.test',
};

/** lib/platform/config.ts as a fresh import would read `env`. */
function configWith(env: Record<string, string>) {
  const saved = process.env;
  process.env = { ...env };
  try {
    let loaded: typeof import('../../../lib/platform/config').config | undefined;
    jest.isolateModules(() => {
      loaded = require('../../../lib/platform/config').config;
    });
    return loaded!;
  } finally {
    process.env = saved;
  }
}

it('has the protection defaults docs/security.md describes', () => {
  expect(configWith(DEPLOYED)).toMatchObject({
    passwordMinLength: 15,
    bcryptCost: 10,
    protection: { freeFailures: 5, maxDelaySeconds: 900, resetAfterSeconds: 3600, addressFailures: 30, addressWindowSeconds: 600, addressBlockSeconds: 900 },
  });
});

it('requires a password pepper of at least 32 characters in a deployed function, and gives the local stack one', () => {
  const { PASSWORD_PEPPER: _none, ...noPepper } = DEPLOYED;
  expect(() => configWith(noPepper)).toThrow('Invalid configuration: PASSWORD_PEPPER is required');
  expect(() => configWith({ ...DEPLOYED, PASSWORD_PEPPER: 'too short' })).toThrow('PASSWORD_PEPPER must be at least 32 characters');
  expect(configWith({ ...noPepper, IS_OFFLINE: 'true' }).passwordPepper.length).toBeGreaterThanOrEqual(32);
});

it('refuses key files in a deployed function; the local runners (serverless-offline, `sls invoke local`) may use them', () => {
  expect(configWith(DEPLOYED).signingKeyCustody).toBe('kms-envelope');
  expect(() => configWith({ ...DEPLOYED, SIGNING_KEY_CUSTODY: 'file' })).toThrow('Invalid configuration: SIGNING_KEY_CUSTODY=file is for local runs only');
  const localRunners: Record<string, string>[] = [{ IS_OFFLINE: 'true' }, { IS_LOCAL: 'true' }];
  for (const local of localRunners) {
    expect(configWith({ ...DEPLOYED, ...local, SIGNING_KEY_CUSTODY: 'file' }).signingKeyCustody).toBe('file');
    expect(configWith({ ...DEPLOYED, ...local }).signingKeyCustody).toBe('file');
  }
});

it('sends mail through SES in a deployed function and refuses SMTP there (nodemailer is in no deployed bundle); the local runners use SMTP', () => {
  expect(configWith(DEPLOYED).mail.transport).toBe('ses');
  expect(() => configWith({ ...DEPLOYED, MAIL_TRANSPORT: 'smtp' })).toThrow('Invalid configuration: MAIL_TRANSPORT=smtp is for local runs only');
  expect(configWith({ ...DEPLOYED, IS_OFFLINE: 'true' }).mail.transport).toBe('smtp');
  expect(configWith({ ...DEPLOYED, IS_OFFLINE: 'true', MAIL_TRANSPORT: 'ses' }).mail.transport).toBe('ses');
});

it('requires a device-token secret of at least 32 characters in a deployed function, apart from the pepper, and gives the local stack one', () => {
  const { DEVICE_TOKEN_SECRET: _none, ...noSecret } = DEPLOYED;
  expect(() => configWith(noSecret)).toThrow('Invalid configuration: DEVICE_TOKEN_SECRET is required');
  expect(() => configWith({ ...DEPLOYED, DEVICE_TOKEN_SECRET: 'too short' })).toThrow('DEVICE_TOKEN_SECRET must be at least 32 characters');
  const local = configWith({ ...noSecret, IS_OFFLINE: 'true' });
  expect(local.deviceTokenSecret.length).toBeGreaterThanOrEqual(32);
  expect(local.deviceTokenSecret).not.toBe(local.passwordPepper);
  expect(configWith(DEPLOYED).deviceTokenTtlSeconds).toBe(90 * 24 * 3600);
});

it('keeps bcrypt at cost 10 or more in a deployed function; only local runs may lower it', () => {
  expect(() => configWith({ ...DEPLOYED, BCRYPT_COST: '4' })).toThrow('BCRYPT_COST=4 must be an integer from 10 to 15');
  expect(configWith({ ...BASE, BCRYPT_COST: '4' }).bcryptCost).toBe(4);
});

it('takes the minimum password length down to 8, no lower', () => {
  expect(configWith({ ...BASE, PASSWORD_MIN_LENGTH: '8' }).passwordMinLength).toBe(8);
  expect(() => configWith({ ...BASE, PASSWORD_MIN_LENGTH: '7' })).toThrow('PASSWORD_MIN_LENGTH=7 must be an integer from 8 to 64');
});

it('refuses a quiet period that a delay could outlast', () => {
  expect(() => configWith({ ...BASE, SIGNIN_MAX_DELAY_SECONDS: '3600', SIGNIN_FAILURES_RESET_SECONDS: '3600' })).toThrow(
    'SIGNIN_FAILURES_RESET_SECONDS must be longer than SIGNIN_MAX_DELAY_SECONDS',
  );
});
