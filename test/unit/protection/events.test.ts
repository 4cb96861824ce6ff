import { LIMITS, setup } from './setup';

// Before anything logs: the level is read once.
process.env.LOG_LEVEL = 'info';

let lines: Array<Record<string, unknown>>;
beforeEach(() => {
  lines = [];
  const capture = (line: string) => void lines.push(JSON.parse(line));
  jest.spyOn(console, 'log').mockImplementation(capture);
  jest.spyOn(console, 'error').mockImplementation(capture);
});
afterEach(() => jest.restoreAllMocks());
const events = () => lines.filter((line) => line.msg === 'security event');

it('logs each failure, the start of the backoff and the address block, with the username, address and reason, never the password', async () => {
  const { refusal } = await setup({ ...LIMITS, addressFailures: 6 });
  for (let i = 0; i < 6; i++) await refusal(i === 5 ? 'nobody-here' : 'alice', `secret guess ${i}`);
  await refusal('alice', 'secret guess 7');

  expect(events().map((e) => e.event)).toEqual([...Array(6).fill('signin_failed'), 'address_throttled']);
  expect(events()[0]).toMatchObject({ level: 'warn', username: 'alice', clientAddress: '203.0.113.7', reason: 'wrong_password', attempt: 1 });
  expect(events()[5]).toMatchObject({ username: 'nobody-here', reason: 'unknown_user' });
  expect(events()[6]).toMatchObject({ clientAddress: '203.0.113.7', retryAfterSeconds: 900 });
  expect(JSON.stringify(lines)).not.toMatch(/secret guess/);
});

it('logs the backoff once, when the first delay starts', async () => {
  const { refusal } = await setup();
  for (let i = 0; i < 7; i++) await refusal('alice', 'wrong');
  expect(events().filter((e) => e.event === 'backoff_started')).toEqual([
    expect.objectContaining({ username: 'alice', retryAfterSeconds: 2, reason: 'wrong_password' }),
  ]);
});
