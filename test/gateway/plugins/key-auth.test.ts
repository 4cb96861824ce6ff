/**
 * The key-auth plugin as Kong 3.9 runs it, and its Admin API entity
 * (keyauth_credentials). Routes: test/gateway/fixtures/key-auth.kong.yml.
 *
 * Against real Kong (see support.ts) sync the fixture first:
 *   DECK_ECHO_URL=http://<this machine>:$GATEWAY_ECHO_PORT DECK_ANONYMOUS=gateway-tests-anonymous \
 *   deck gateway sync test/gateway/fixtures/key-auth.kong.yml
 */
import path from 'node:path';
import { admin, REQUEST_ID, send, startEchoFixtureTarget, unique, UUID, type Echoed, type Reply, type Target } from '../support';

const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'key-auth.kong.yml');
const ANONYMOUS = 'gateway-tests-anonymous';

let target: Target;
let anonymous: { id: string };
beforeAll(async () => {
  target = await startEchoFixtureTarget(FIXTURE, { DECK_ANONYMOUS: ANONYMOUS });
  anonymous = (await admin(target, 'PUT', `/consumers/${ANONYMOUS}`, {})).body;
});
afterAll(() => target.close());

interface KeyClient {
  consumer: { id: string; username: string; custom_id: string | null };
  credential: { id: string; key: string };
}

/** A consumer with one key. */
async function keyClient(consumer: Record<string, unknown> = {}, credential: Record<string, unknown> = {}): Promise<KeyClient> {
  const created = await admin(target, 'POST', '/consumers', { username: unique('key-user'), ...consumer });
  const key = await admin(target, 'POST', `/consumers/${created.body.id}/key-auth`, credential);
  if (key.status !== 201) throw new Error(`POST key-auth: ${key.status} ${key.text}`);
  return { consumer: created.body, credential: key.body };
}

const call = (route: string, options: { method?: string; headers?: Record<string, string | string[]>; body?: string } = {}) =>
  send(target.proxyUrl, `/key-auth/${route}`, options);
const echoed = (reply: Reply) => reply.body as Echoed;

function expectRejected(reply: Reply, message: string, challenge = 'Key'): void {
  expect([reply.status, reply.body, reply.headers['www-authenticate']]).toEqual([
    401, { message, request_id: expect.stringMatching(REQUEST_ID) }, challenge,
  ]);
  expect(reply.body.request_id).toBe(reply.headers['x-kong-request-id']);
}

describe('Admin API: key-auth credentials', () => {
  test('POST makes one with a generated key and ttl null', async () => {
    const { body: consumer } = await admin(target, 'POST', '/consumers', { username: unique('ka') });
    const created = await admin(target, 'POST', `/consumers/${consumer.username}/key-auth`, {});
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(UUID),
      created_at: expect.any(Number),
      consumer: { id: consumer.id },
      key: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
      tags: null,
      ttl: null,
    });
  });

  test('a taken key is 409; a top-level POST without consumer is 400', async () => {
    const { credential } = await keyClient();
    const other = await keyClient();
    const taken = await admin(target, 'POST', `/consumers/${other.consumer.id}/key-auth`, { key: credential.key });
    expect([taken.status, taken.body.message]).toEqual([409, `UNIQUE violation detected on '{key="${credential.key}"}'`]);
    const orphan = await admin(target, 'POST', '/key-auths', { key: unique('k') });
    expect([orphan.status, orphan.body.message]).toEqual([400, 'schema violation (consumer: required field missing)']);
  });

  test('readable by id or key, nested or top-level; another consumer\'s is 404 through the nested path', async () => {
    const { consumer, credential } = await keyClient();
    expect((await admin(target, 'GET', `/consumers/${consumer.id}/key-auth`)).body).toEqual({ data: [credential], next: null });
    for (const path of [`/consumers/${consumer.username}/key-auth/${credential.key}`, `/key-auths/${credential.id}`, `/key-auths/${credential.key}`]) {
      expect([path, (await admin(target, 'GET', path)).body]).toEqual([path, credential]);
    }
    expect((await admin(target, 'GET', `/key-auths/${credential.key}/consumer`)).body).toEqual(consumer);
    const other = await keyClient();
    expect((await admin(target, 'GET', `/consumers/${other.consumer.id}/key-auth/${credential.id}`)).status).toBe(404);
  });

  test('PUT creates by key, DELETE is 204 then 404, deleting the consumer deletes its keys', async () => {
    const { consumer } = await keyClient();
    const key = unique('put-key');
    const put = await admin(target, 'PUT', `/consumers/${consumer.id}/key-auth/${key}`, {});
    expect([put.status, put.body.key, put.body.consumer]).toEqual([200, key, { id: consumer.id }]);
    expect((await admin(target, 'DELETE', `/consumers/${consumer.id}/key-auth/${key}`)).status).toBe(204);
    expect((await admin(target, 'DELETE', `/consumers/${consumer.id}/key-auth/${key}`)).status).toBe(404);

    const doomed = await keyClient();
    expect((await admin(target, 'DELETE', `/consumers/${doomed.consumer.id}`)).status).toBe(204);
    expect((await admin(target, 'GET', `/key-auths/${doomed.credential.id}`)).status).toBe(404);
  });

  test('ttl: the seconds left show as ttl; PATCH keeps or changes it; a bad one is an invalid option', async () => {
    const { consumer } = await keyClient();
    const created = await admin(target, 'POST', `/consumers/${consumer.id}/key-auth`, { ttl: 100 });
    expect(created.status).toBe(201);
    expect(created.body.ttl).toBeGreaterThanOrEqual(98);
    expect(created.body.ttl).toBeLessThanOrEqual(100);
    const patched = await admin(target, 'PATCH', `/key-auths/${created.body.id}`, { tags: ['t'] });
    expect(patched.body.ttl).toBeGreaterThanOrEqual(98);
    const cleared = await admin(target, 'PATCH', `/key-auths/${created.body.id}`, { ttl: 0 });
    expect(cleared.body.ttl).toBeNull();

    const bad = await admin(target, 'POST', `/consumers/${consumer.id}/key-auth`, { ttl: -1 });
    expect([bad.status, bad.body]).toEqual([400, {
      code: 11,
      name: 'invalid options',
      message: 'invalid option (ttl: must be an integer between 0 and 100000000)',
      options: { ttl: 'must be an integer between 0 and 100000000' },
    }]);
  });

  test('a key whose ttl ran out is gone: not found, and no longer lets requests in', async () => {
    const { consumer } = await keyClient();
    const shortLived = await admin(target, 'POST', `/consumers/${consumer.id}/key-auth`, { ttl: 1 });
    expect((await call('default', { headers: { apikey: shortLived.body.key } })).status).toBe(200);
    // Past the second it was given, and the next one (the expiry is counted in whole seconds).
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await admin(target, 'GET', `/key-auths/${shortLived.body.id}`)).status).toBe(404);
    expectRejected(await call('default', { headers: { apikey: shortLived.body.key } }), 'Unauthorized');
  });
});

describe('authentication', () => {
  test('no key: 401 No API key found, through kong.response.error with a Key challenge', async () => {
    expectRejected(await call('default'), 'No API key found in request');
    const text = await call('default', { headers: { Accept: 'text/plain' } });
    expect([text.status, text.headers['content-type'], text.text]).toEqual([
      401, 'text/plain; charset=utf-8', `No API key found in request\nrequest_id: ${text.headers['x-kong-request-id']}\n`,
    ]);
  });

  test('an empty key is no key; a bare ?apikey is not a key; an unknown key is Unauthorized', async () => {
    expectRejected(await call('default', { headers: { apikey: '' } }), 'No API key found in request');
    expectRejected(await send(target.proxyUrl, '/key-auth/default?apikey='), 'No API key found in request');
    expectRejected(await send(target.proxyUrl, '/key-auth/default?apikey'), 'No API key found in request');
    expectRejected(await call('default', { headers: { apikey: unique('wrong') } }), 'Unauthorized');
  });

  test('the same key name twice: Duplicate API key found', async () => {
    const { credential } = await keyClient();
    expectRejected(await call('default', { headers: { apikey: [credential.key, credential.key] } }), 'Duplicate API key found');
    expectRejected(await send(target.proxyUrl, `/key-auth/default?apikey=${credential.key}&apikey=x`), 'Duplicate API key found');
  });

  test('a valid key: the upstream learns the consumer and the credential id; client-sent copies are replaced', async () => {
    const { consumer, credential } = await keyClient({ custom_id: unique('ext') });
    const reply = await call('default', {
      headers: { apikey: credential.key, 'X-Consumer-ID': 'forged', 'X-Anonymous-Consumer': 'true', 'X-Credential-Identifier': 'forged' },
    });
    expect(reply.status).toBe(200);
    const { headers } = echoed(reply);
    expect(headers).toMatchObject({
      'x-consumer-id': consumer.id,
      'x-consumer-username': consumer.username,
      'x-consumer-custom-id': consumer.custom_id,
      'x-credential-identifier': credential.id,
      apikey: credential.key,
    });
    expect(headers['x-anonymous-consumer']).toBeUndefined();
  });

  test('from the query too, and the header is looked at first', async () => {
    const { credential } = await keyClient();
    const byQuery = await send(target.proxyUrl, `/key-auth/default?apikey=${credential.key}&x=1`);
    expect([byQuery.status, echoed(byQuery).url]).toEqual([200, `/?apikey=${credential.key}&x=1`]); // strip_path: the route path goes
    expect((await send(target.proxyUrl, '/key-auth/default?apikey=wrong', { headers: { apikey: credential.key } })).status).toBe(200);
  });

  test('hide_credentials: the key leaves the header, the query and the body', async () => {
    const { credential } = await keyClient();
    const byHeader = echoed(await call('hidden', { headers: { apikey: credential.key } }));
    expect(byHeader.headers.apikey).toBeUndefined();
    const byQuery = echoed(await send(target.proxyUrl, `/key-auth/hidden?a=x%20y&apikey=${credential.key}`));
    expect(byQuery.url).toBe('/?a=x+y');
    const byJson = echoed(await call('hidden', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ apikey: credential.key, other: 1 }) }));
    expect([JSON.parse(byJson.body), byJson.headers['content-length']]).toEqual([{ other: 1 }, String(Buffer.byteLength(byJson.body))]);
    const byForm = echoed(await call('hidden', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `b=2&apikey=${credential.key}` }));
    expect(byForm.body).toBe('b=2');
  });

  test('key names are tried in order; a second name finds a key in its header', async () => {
    const { credential } = await keyClient();
    const reply = await call('hidden', { headers: { 'X-Api-Key': credential.key } });
    expect(reply.status).toBe(200);
    expect(echoed(reply).headers['x-api-key']).toBeUndefined();
  });

  test('a key name with _ also finds a header spelled with -; key_in_query off; realm; run_on_preflight off', async () => {
    const { credential } = await keyClient();
    expect((await call('options', { headers: { 'Api-Key': credential.key } })).status).toBe(200);
    expectRejected(await send(target.proxyUrl, `/key-auth/options?api_key=${credential.key}`), 'No API key found in request', 'Key realm="service"');
    const preflight = await call('options', { method: 'OPTIONS' });
    expect([preflight.status, echoed(preflight).method]).toEqual([200, 'OPTIONS']);
  });
});

describe('anonymous', () => {
  test('a failed authentication goes on as the anonymous consumer', async () => {
    for (const headers of [{}, { apikey: unique('wrong') }] as Record<string, string>[]) {
      const reply = await call('anonymous', { headers });
      expect(reply.status).toBe(200);
      const seen = echoed(reply).headers;
      expect(seen).toMatchObject({ 'x-consumer-id': anonymous.id, 'x-consumer-username': ANONYMOUS, 'x-anonymous-consumer': 'true' });
      expect(seen['x-credential-identifier']).toBeUndefined();
    }
  });

  test('a valid key still authenticates as its consumer', async () => {
    const { consumer, credential } = await keyClient();
    const seen = echoed(await call('anonymous', { headers: { apikey: credential.key } })).headers;
    expect(seen).toMatchObject({ 'x-consumer-id': consumer.id, 'x-credential-identifier': credential.id });
    expect(seen['x-anonymous-consumer']).toBeUndefined();
  });

  test('an anonymous consumer that does not exist is 500', async () => {
    const reply = await call('anonymous-missing');
    expect([reply.status, reply.body.message]).toEqual([500, 'An unexpected error occurred']);
  });
});
