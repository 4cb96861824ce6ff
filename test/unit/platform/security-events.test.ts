// Before anything logs or counts: both read their settings once.
process.env.LOG_LEVEL = 'info';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

import { securityEvent } from '../../../lib/platform/security-events';
import { withRequestIds } from '../../../lib/platform/log';

let logged: string[];
let metrics: string[];
beforeEach(() => {
  logged = [];
  metrics = [];
  jest.spyOn(console, 'log').mockImplementation((line) => void logged.push(line));
  jest.spyOn(console, 'error').mockImplementation((line) => void logged.push(line));
  // Powertools writes EMF with a Console of its own, straight to stdout.
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (metrics.push(String(chunk)), true));
});
afterEach(() => jest.restoreAllMocks());

it('logs one line per event, with the request ids, the client address, the username and the reason', () => {
  withRequestIds({ lambdaRequestId: 'l-1', gatewayRequestId: 'k-1', clientAddress: '203.0.113.7' }, () =>
    securityEvent('signin_failed', { username: 'alice', reason: 'wrong_password' }),
  );
  expect(logged.map((line) => JSON.parse(line))).toEqual([
    expect.objectContaining({
      level: 'warn',
      msg: 'security event',
      event: 'signin_failed',
      username: 'alice',
      reason: 'wrong_password',
      lambdaRequestId: 'l-1',
      gatewayRequestId: 'k-1',
      clientAddress: '203.0.113.7',
    }),
  ]);
});

it('logs what the user did on purpose at info', () => {
  securityEvent('password_changed', { username: 'alice' });
  expect(JSON.parse(logged[0])).toMatchObject({ level: 'info', event: 'password_changed' });
});

it('counts each event as a CloudWatch metric in the Embedded Metric Format', () => {
  securityEvent('refresh_token_reused', { username: 'alice' });
  securityEvent('address_throttled', { username: 'alice' });
  const emf = metrics.map((line) => JSON.parse(line));
  expect(emf).toEqual([
    expect.objectContaining({
      _aws: expect.objectContaining({
        CloudWatchMetrics: [{ Namespace: 'kong-lambda-auth', Dimensions: [['service']], Metrics: [{ Name: 'RefreshTokenReused', Unit: 'Count' }] }],
      }),
      RefreshTokenReused: 1,
    }),
    expect.objectContaining({ AddressThrottled: 1 }),
  ]);
  // The metric line carries nothing about the user: names and addresses stay in the log line.
  expect(metrics.join('')).not.toContain('alice');
});
