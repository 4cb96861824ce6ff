import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Stack } from '../../scripts/stack';
import { uniqueName } from '../support/clients';
import { client } from '../support/flow';
import { request } from '../support/http';
import { startPrivateStack, withDynamo } from '../support/stack';

// A stack of its own, persisted to a temporary folder, so that its parts can
// be stopped and restarted without disturbing the other tests.
let stack: Stack;
let dataDir: string;

const UNAVAILABLE = { status: 503, body: { message: 'Service temporarily unavailable, please retry' } };
/** The health route's 503: the dependencies that failed, and nothing else about them. */
async function unhealthy(answer: ReturnType<ReturnType<typeof client>['health']>, failed: string[]) {
  const response = await answer;
  expect(response).toMatchObject({ status: 503 });
  expect(response.body).toEqual({ code: 'temporarily_unavailable', message: 'Service temporarily unavailable, please retry', failed });
  expect(response.headers.get('retry-after')).toBe('5');
  expect(response.headers.get('cache-control')).toBe('no-store');
}

// Through the gateway, or straight to the API while the gateway is down.
const gateway = () => client(stack.urls.proxy);
const api = () => client(stack.urls.api);

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
    expect(await gateway().health()).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect((await gateway().signup(alice)).status).toBe(201);
    const response = await gateway().signin(alice);
    expect(response.status).toBe(200);
    tokens = response.body;
  });

  it('answers 503 without Kong, leaves nothing half-made, and a retry succeeds once Kong is back', async () => {
    const dave = await gateway().newSession('dave');
    await stack.components.gateway.stop();
    const bob = uniqueName('bob');

    expect(await api().signup(bob)).toMatchObject(UNAVAILABLE);
    expect(await storedUserExists(bob)).toBe(false);
    // The gateway is down, so the health route is asked at the API itself.
    await unhealthy(api().health(), ['kong']);
    expect(await api().signin(alice)).toMatchObject(UNAVAILABLE);
    // Refresh and info need no Kong Admin call: sessions go on.
    const refreshed = await api().refresh(tokens.refresh_token);
    expect(refreshed.status).toBe(200);
    tokens = refreshed.body;
    expect((await api().info(tokens.access_token)).status).toBe(200);

    expect(await api().logoutAll(dave.tokens.access_token)).toMatchObject(UNAVAILABLE);

    await stack.components.gateway.start();
    expect((await gateway().health()).status).toBe(200);
    expect((await gateway().signup(bob)).status).toBe(201);
    expect((await gateway().signin(bob)).status).toBe(200);
    // The failed logout-all is simply retried, and the user can sign in again.
    expect((await gateway().logoutAll(dave.tokens.access_token)).status).toBe(200);
    expect((await gateway().signin(dave.username)).status).toBe(200);
  }, 60_000);

  it('answers 503 without DynamoDB, and works again once it is back', async () => {
    await stack.components.dynamodb.stop();
    const carol = uniqueName('carol');

    expect(await gateway().signup(carol)).toMatchObject(UNAVAILABLE);
    expect(await gateway().signin(alice)).toMatchObject(UNAVAILABLE);
    expect(await gateway().refresh(tokens.refresh_token)).toMatchObject(UNAVAILABLE);
    expect(await gateway().info(tokens.access_token)).toMatchObject(UNAVAILABLE);
    expect(await gateway().logout(tokens.access_token)).toMatchObject(UNAVAILABLE);
    expect(await gateway().revoke(tokens.refresh_token)).toMatchObject(UNAVAILABLE);
    await unhealthy(gateway().health(), ['dynamodb']);
    // The username is claimed in DynamoDB before Kong is touched.
    expect((await request(`${stack.urls.admin}/consumers/${carol}`)).status).toBe(404);

    await stack.components.dynamodb.start();
    expect((await gateway().health()).status).toBe(200);
    expect((await gateway().signup(carol)).status).toBe(201);
    const response = await gateway().refresh(tokens.refresh_token);
    expect(response.status).toBe(200);
    tokens = response.body;
  }, 60_000);

  it('answers the health check 503 naming DynamoDB while DynamoDB is frozen (taking connections, answering nothing)', async () => {
    stack.components.dynamodb.freeze(true);
    try {
      await unhealthy(gateway().health(), ['dynamodb']);
    } finally {
      stack.components.dynamodb.freeze(false);
    }
    expect((await gateway().health()).status).toBe(200);
  }, 60_000);

  it('keeps users, credentials, sessions and revocations across a restart of the whole stack', async () => {
    const loggedOut = (await gateway().signin(alice)).body;
    expect((await gateway().logout(loggedOut.access_token)).status).toBe(200);

    // The same public URL, as a deployment's is across restarts: access tokens name it as their issuer
    // (the restarted stack's gateway listens on other ports).
    const { ISSUER_URL } = stack.env;
    await stack.stop();
    stack = await startPrivateStack({ inMemory: false, dataDir, env: { ISSUER_URL } });

    expect((await gateway().info(loggedOut.access_token)).status).toBe(401);
    expect((await gateway().refresh(loggedOut.refresh_token)).status).toBe(401);

    expect((await gateway().info(tokens.access_token)).status).toBe(200);
    expect((await gateway().refresh(tokens.refresh_token)).status).toBe(200);
    const again = await gateway().signin(alice);
    expect(again.status).toBe(200);
    expect((await gateway().info(again.body.access_token)).body.username).toBe(alice);
  }, 120_000);
});
