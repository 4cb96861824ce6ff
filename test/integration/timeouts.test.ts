import net from 'node:net';
import { PASSWORD, storedUser, uniqueName } from '../support/clients';
import { apiEvent, invoke } from '../support/events';

// A dependency that accepts connections and never answers: without timeouts
// on every outbound call, requests would hang until Lambda kills them.
let blackhole: net.Server;
const sockets: net.Socket[] = [];

beforeAll(async () => {
  blackhole = net.createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  sockets.forEach((socket) => socket.destroy());
  await new Promise((resolve) => blackhole.close(resolve));
});

const blackholeUrl = () => `http://127.0.0.1:${(blackhole.address() as net.AddressInfo).port}`;

/** Loads a handler with its configuration overridden (config is read at import). */
function loadHandler(name: string, env: Record<string, string>) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    let handler: unknown;
    jest.isolateModules(() => {
      handler = require(`../../functions/${name}`).handler;
    });
    return handler as Parameters<typeof invoke>[0];
  } finally {
    process.env = saved;
  }
}

const credentials = (username: string) => apiEvent('POST', '/', { body: { username, password: PASSWORD } });

it('answers 503 when the Kong Admin API hangs, and releases the username', async () => {
  const signup = loadHandler('public/signup', { KONG_ADMIN_URL: blackholeUrl(), KONG_ADMIN_TIMEOUT_MS: '300' });
  const username = uniqueName('hang');

  const response = await invoke(signup, credentials(username));

  expect(response).toMatchObject({ status: 503, body: { message: 'Service temporarily unavailable, please retry' } });
  expect(await storedUser(username)).toBeUndefined();
});

it('answers 503 when DynamoDB hangs', async () => {
  const signin = loadHandler('public/signin', { DYNAMODB_ENDPOINT: blackholeUrl(), DYNAMODB_TIMEOUT_MS: '300' });
  const response = await invoke(signin, credentials(uniqueName('hang')));
  expect(response).toMatchObject({ status: 503, body: { message: 'Service temporarily unavailable, please retry' } });
});
