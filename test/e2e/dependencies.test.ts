import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Stack } from '../../scripts/stack';
import { PASSWORD, uniqueName } from '../support/clients';
import { bearer, request } from '../support/http';
import { startPrivateStack, withDynamo } from '../support/stack';

// A stack of its own, persisted to a temporary folder, so that its parts can
// be stopped and restarted without disturbing the other tests.
let stack: Stack;
let dataDir: string;

const UNAVAILABLE = { status: 503, body: { message: 'Service temporarily unavailable, please retry' } };

const signup = (base: string, username: string) => request(`${base}/api/public/signup`, { body: { username, password: PASSWORD } });
const signin = (base: string, username: string) => request(`${base}/api/public/signin`, { body: { username, password: PASSWORD } });
const refresh = (base: string, refresh_token: string) => request(`${base}/api/public/refresh`, { body: { refresh_token } });
const info = (base: string, token: string) => request(`${base}/api/jwt/info`, { headers: bearer(token) });

async function storedUserExists(username: string): Promise<boolean> {
  return withDynamo(stack.urls.dynamodb, async (client) => {
    const { Item } = await client.send(new GetItemCommand({ TableName: stack.env.USERS_TABLE, Key: { username: { S: username } } }));
    return Item !== undefined;
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'auth-stack-'));
  stack = await startPrivateStack({ inMemory: false, dataDir });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('when a dependency stops mid-flow', () => {
  const alice = uniqueName('alice');
  let tokens: { access_token: string; refresh_token: string };

  it('works while everything is up', async () => {
    expect((await signup(stack.urls.proxy, alice)).status).toBe(201);
    const response = await signin(stack.urls.proxy, alice);
    expect(response.status).toBe(200);
    tokens = response.body;
  });

  it('answers 503 without Kong, leaves nothing half-made, and a retry succeeds once Kong is back', async () => {
    await stack.components.gateway.stop();
    const bob = uniqueName('bob');

    expect(await signup(stack.urls.api, bob)).toMatchObject(UNAVAILABLE);
    expect(await storedUserExists(bob)).toBe(false);
    expect(await signin(stack.urls.api, alice)).toMatchObject(UNAVAILABLE);
    // Refresh and info need no Kong Admin call: sessions go on.
    const refreshed = await refresh(stack.urls.api, tokens.refresh_token);
    expect(refreshed.status).toBe(200);
    tokens = refreshed.body;
    expect((await info(stack.urls.api, tokens.access_token)).status).toBe(200);

    await stack.components.gateway.start();
    expect((await signup(stack.urls.proxy, bob)).status).toBe(201);
    expect((await signin(stack.urls.proxy, bob)).status).toBe(200);
  }, 60_000);

  it('answers 503 without DynamoDB, and works again once it is back', async () => {
    await stack.components.dynamodb.stop();
    const carol = uniqueName('carol');

    expect(await signup(stack.urls.proxy, carol)).toMatchObject(UNAVAILABLE);
    expect(await signin(stack.urls.proxy, alice)).toMatchObject(UNAVAILABLE);
    expect(await refresh(stack.urls.proxy, tokens.refresh_token)).toMatchObject(UNAVAILABLE);
    expect(await info(stack.urls.proxy, tokens.access_token)).toMatchObject(UNAVAILABLE);
    // The username is claimed in DynamoDB before Kong is touched.
    expect((await request(`${stack.urls.admin}/consumers/${carol}`)).status).toBe(404);

    await stack.components.dynamodb.start();
    expect((await signup(stack.urls.proxy, carol)).status).toBe(201);
    const response = await refresh(stack.urls.proxy, tokens.refresh_token);
    expect(response.status).toBe(200);
    tokens = response.body;
  }, 60_000);

  it('keeps users, credentials and sessions across a restart of the whole stack', async () => {
    await stack.stop();
    stack = await startPrivateStack({ inMemory: false, dataDir });

    expect((await info(stack.urls.proxy, tokens.access_token)).status).toBe(200);
    expect((await refresh(stack.urls.proxy, tokens.refresh_token)).status).toBe(200);
    const again = await signin(stack.urls.proxy, alice);
    expect(again.status).toBe(200);
    expect((await info(stack.urls.proxy, again.body.access_token)).body.username).toBe(alice);
  }, 120_000);
});
