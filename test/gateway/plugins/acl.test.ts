/**
 * The acl plugin as Kong 3.9 runs it (kong/plugins/acl/handler.lua,
 * groups.lua, schema.lua), and its Admin API entity (acls: daos.lua, api.lua).
 * Routes: test/gateway/fixtures/acl.kong.yml.
 *
 * Against real Kong (see support.ts) sync the fixture first:
 *   DECK_ECHO_URL=http://<this machine>:$GATEWAY_ECHO_PORT DECK_ANONYMOUS=gateway-tests-acl-anonymous \
 *   deck gateway sync test/gateway/fixtures/acl.kong.yml
 * The start-up checks at the end are the local gateway's own (Kong refuses the
 * same configurations when decK syncs them).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { startGateway } from '../../../kong/gateway';
import { admin, REMOTE, REQUEST_ID, send, startEchoFixtureTarget, unique, UUID, type Echoed, type Reply, type Target } from '../support';

const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'acl.kong.yml');
const ANONYMOUS = 'gateway-tests-acl-anonymous';
const FORBIDDEN = 'You cannot consume this service';

let target: Target;
beforeAll(async () => {
  target = await startEchoFixtureTarget(FIXTURE, { DECK_ANONYMOUS: ANONYMOUS });
  await admin(target, 'PUT', `/consumers/${ANONYMOUS}`, {});
  // An earlier run against real Kong may have left it in a group.
  await admin(target, 'DELETE', `/consumers/${ANONYMOUS}/acls/gold`);
});
afterAll(() => target.close());

interface Member {
  consumer: { id: string; username: string };
  key: string;
}

/** A consumer with a key-auth key, in these groups. */
async function member(...groups: string[]): Promise<Member> {
  const { body: consumer } = await admin(target, 'POST', '/consumers', { username: unique('acl-user') });
  const key = await admin(target, 'POST', `/consumers/${consumer.id}/key-auth`, {});
  if (key.status !== 201) throw new Error(`POST key-auth: ${key.status} ${key.text}`);
  for (const group of groups) {
    const acl = await admin(target, 'POST', `/consumers/${consumer.id}/acls`, { group });
    if (acl.status !== 201) throw new Error(`POST acls: ${acl.status} ${acl.text}`);
  }
  return { consumer, key: key.body.key };
}

const call = (route: string, apikey?: string, headers: Record<string, string> = {}) =>
  send(target.proxyUrl, `/acl/${route}`, { headers: { ...(apikey === undefined ? {} : { apikey }), ...headers } });
const echoed = (reply: Reply) => reply.body as Echoed;

/** kong.response.error's body: the message and the request id. */
function expectError(reply: Reply, status: number, message: string): void {
  expect([reply.status, reply.body]).toEqual([status, { message, request_id: expect.stringMatching(REQUEST_ID) }]);
  expect(reply.headers['www-authenticate']).toBeUndefined();
}

/** Kong applies Admin API changes through its cache invalidation: at once locally, within moments on real Kong. */
async function eventually(check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + (REMOTE ? 5000 : 0);
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

describe('Admin API: acls', () => {
  test('POST /consumers/{c}/acls makes one; group is required; a consumer is in a group once', async () => {
    const { consumer } = await member();
    const created = await admin(target, 'POST', `/consumers/${consumer.username}/acls`, { group: 'gold', tags: ['t1'] });
    expect([created.status, created.body]).toEqual([201, {
      id: expect.stringMatching(UUID),
      created_at: expect.any(Number),
      consumer: { id: consumer.id },
      group: 'gold',
      tags: ['t1'],
    }]);

    const missing = await admin(target, 'POST', `/consumers/${consumer.id}/acls`, {});
    expect([missing.status, missing.body.message, missing.body.fields]).toEqual([400, 'schema violation (group: required field missing)', { group: 'required field missing' }]);
    const notText = await admin(target, 'POST', `/consumers/${consumer.id}/acls`, { group: 123 });
    expect([notText.status, notText.body.fields]).toEqual([400, { group: 'expected a string' }]);

    const again = await admin(target, 'POST', `/consumers/${consumer.id}/acls`, { group: 'gold' });
    expect([again.status, again.body]).toEqual([409, {
      code: 5,
      name: 'unique constraint violation',
      message: `UNIQUE violation detected on '{consumer={id="${consumer.id}"},group="gold"}'`,
      fields: { consumer: { id: consumer.id }, group: 'gold' },
    }]);
    // Another consumer may be in the same group.
    const other = await member();
    expect((await admin(target, 'POST', `/consumers/${other.consumer.id}/acls`, { group: 'gold' })).status).toBe(201);
  });

  test('a consumer\'s entry is named by id or by group; another consumer\'s is not found', async () => {
    const { consumer } = await member('gold');
    const [acl] = (await admin(target, 'GET', `/consumers/${consumer.id}/acls`)).body.data;
    expect(acl).toMatchObject({ consumer: { id: consumer.id }, group: 'gold' });
    for (const ref of [acl.id, 'gold']) {
      expect((await admin(target, 'GET', `/consumers/${consumer.username}/acls/${ref}`)).body).toEqual(acl);
    }
    expect((await admin(target, 'GET', `/acls/${acl.id}`)).body).toEqual(acl);
    expect((await admin(target, 'GET', `/acls/${acl.id}/consumer`)).body).toMatchObject({ id: consumer.id });
    const other = await member('gold');
    expect((await admin(target, 'GET', `/consumers/${other.consumer.id}/acls/${acl.id}`)).status).toBe(404);
    expect((await admin(target, 'GET', `/consumers/${consumer.id}/acls/silver`)).status).toBe(404);
    expect((await admin(target, 'GET', '/acls?size=1000')).body.data).toContainEqual(acl);
  });

  test('PUT by group creates it, PATCH renames it, DELETE by group is 204 then 404', async () => {
    const { consumer } = await member();
    const put = await admin(target, 'PUT', `/consumers/${consumer.id}/acls/silver`, {});
    expect([put.status, put.body.group, put.body.consumer]).toEqual([200, 'silver', { id: consumer.id }]);
    const again = await admin(target, 'PUT', `/consumers/${consumer.id}/acls/silver`, { tags: ['x'] });
    expect([again.status, again.body.id, again.body.tags]).toEqual([200, put.body.id, ['x']]);
    const patched = await admin(target, 'PATCH', `/consumers/${consumer.id}/acls/silver`, { group: 'gold' });
    expect([patched.status, patched.body.id, patched.body.group]).toEqual([200, put.body.id, 'gold']);
    expect((await admin(target, 'DELETE', `/consumers/${consumer.id}/acls/gold`)).status).toBe(204);
    expect((await admin(target, 'DELETE', `/consumers/${consumer.id}/acls/gold`)).status).toBe(404);
  });

  test('top level: POST needs a consumer; deleting the consumer deletes its acls', async () => {
    const orphan = await admin(target, 'POST', '/acls', { group: 'gold' });
    expect([orphan.status, orphan.body.message]).toEqual([400, 'schema violation (consumer: required field missing)']);
    const { consumer } = await member();
    const created = await admin(target, 'POST', '/acls', { group: 'gold', consumer: { id: consumer.id } });
    expect([created.status, created.body.group]).toEqual([201, 'gold']);
    expect((await admin(target, 'DELETE', `/consumers/${consumer.id}`)).status).toBe(204);
    expect((await admin(target, 'GET', `/acls/${created.body.id}`)).status).toBe(404);
  });
});

describe('allow', () => {
  test('a consumer in an allowed group gets through; the upstream learns its groups in X-Consumer-Groups', async () => {
    const { key } = await member('gold');
    const reply = await call('allow', key, { 'X-Consumer-Groups': 'forged' });
    expect(reply.status).toBe(200);
    expect(echoed(reply).headers['x-consumer-groups']).toBe('gold');

    const several = await member('bronze', 'silver');
    const groups = echoed(await call('allow', several.key)).headers['x-consumer-groups'] as string;
    expect(groups.split(', ').sort()).toEqual(['bronze', 'silver']);
  });

  test('a consumer in no group, or only in others, is refused with Kong\'s 403', async () => {
    expectError(await call('allow', (await member()).key), 403, FORBIDDEN);
    expectError(await call('allow', (await member('bronze')).key), 403, FORBIDDEN);
  });

  test('no key: key-auth refuses first (its own 401)', async () => {
    const reply = await call('allow');
    expect([reply.status, reply.body.message, reply.headers['www-authenticate']]).toEqual([401, 'No API key found in request', 'Key']);
  });

  test('without an authentication plugin nobody is identified: 401 Unauthorized', async () => {
    expectError(await call('alone'), 401, 'Unauthorized');
    expectError(await call('alone', (await member('gold')).key), 401, 'Unauthorized');
  });

  test('groups added and removed through the Admin API take effect', async () => {
    const { consumer, key } = await member();
    expectError(await call('allow', key), 403, FORBIDDEN);
    const acl = await admin(target, 'POST', `/consumers/${consumer.id}/acls`, { group: 'silver' });
    expect(acl.status).toBe(201);
    await eventually(async () => expect((await call('allow', key)).status).toBe(200));
    expect((await admin(target, 'PATCH', `/acls/${acl.body.id}`, { group: 'bronze' })).status).toBe(200);
    await eventually(async () => expectError(await call('allow', key), 403, FORBIDDEN));
    expect((await admin(target, 'PATCH', `/acls/${acl.body.id}`, { group: 'gold' })).status).toBe(200);
    await eventually(async () => expect((await call('allow', key)).status).toBe(200));
    expect((await admin(target, 'DELETE', `/consumers/${consumer.id}/acls/gold`)).status).toBe(204);
    await eventually(async () => expectError(await call('allow', key), 403, FORBIDDEN));
  });
});

describe('deny', () => {
  test('a consumer in a denied group is refused; others get through', async () => {
    expectError(await call('deny', (await member('banned')).key), 403, FORBIDDEN);
    expectError(await call('deny', (await member('gold', 'banned')).key), 403, FORBIDDEN);
    const reply = await call('deny', (await member('gold')).key);
    expect([reply.status, echoed(reply).headers['x-consumer-groups']]).toEqual([200, 'gold']);
  });

  test('a consumer in no group gets through, with no groups to tell', async () => {
    const reply = await call('deny', (await member()).key);
    expect(reply.status).toBe(200);
    expect(echoed(reply).headers['x-consumer-groups'] ?? '').toBe('');
  });
});

describe('hide_groups_header', () => {
  test('the upstream is not told the groups (and a client-sent X-Consumer-Groups is left as it is)', async () => {
    const { key } = await member('gold');
    const reply = await call('hidden', key);
    expect(reply.status).toBe(200);
    expect(echoed(reply).headers['x-consumer-groups']).toBeUndefined();
    expect(echoed(await call('hidden', key, { 'X-Consumer-Groups': 'client' })).headers['x-consumer-groups']).toBe('client');
    expectError(await call('hidden', (await member('silver')).key), 403, FORBIDDEN);
  });
});

describe('the anonymous consumer', () => {
  test('with no groups of its own: 401, no credential having been given; in an allowed group: through', async () => {
    expectError(await call('anonymous'), 401, 'Unauthorized');
    expect((await admin(target, 'PUT', `/consumers/${ANONYMOUS}/acls/gold`, {})).status).toBe(200);
    try {
      await eventually(async () => {
        const reply = await call('anonymous');
        expect([reply.status, echoed(reply).headers['x-consumer-groups'], echoed(reply).headers['x-anonymous-consumer']]).toEqual([200, 'gold', 'true']);
      });
    } finally {
      await admin(target, 'DELETE', `/consumers/${ANONYMOUS}/acls/gold`);
    }
    // A consumer with a key is judged by its own groups.
    expectError(await call('anonymous', (await member('silver')).key), 403, FORBIDDEN);
  });
});

(REMOTE ? describe.skip : describe)('configuration refused at start-up', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'acl-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const start = (config: unknown, consumers?: unknown[], dataFile?: string) => {
    const file = path.join(dir, `${unique('kong')}.yml`);
    writeFileSync(file, stringify({
      _format_version: '3.0',
      services: [{ name: 'api', url: 'http://127.0.0.1:9', routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'key-auth' }, { name: 'acl', config }] }] }],
      ...(consumers ? { consumers } : {}),
    }));
    return startGateway({ configPath: file, proxyPort: 0, adminPort: 0, env: {}, dataFile });
  };

  test.each<[string, unknown, RegExp]>([
    ['an unknown field', { allow: ['a'], whitelist: ['b'] }, /plugins\[acl\]\.config\.whitelist: unknown or unsupported field/],
    ['both allow and deny', { allow: ['a'], deny: ['b'] }, /plugins\[acl\]\.config: only one of these fields must be non-empty: 'config\.allow', 'config\.deny'/],
    ['neither allow nor deny', { hide_groups_header: true }, /plugins\[acl\]\.config: at least one of these fields must be non-empty: 'config\.allow', 'config\.deny'/],
    ['an empty allow list', { allow: [] }, /at least one of these fields must be non-empty/],
    ['a group that is not text', { allow: [1] }, /config\.allow\[0\]: expected a non-empty string/],
    ['a non-boolean hide_groups_header', { allow: ['a'], hide_groups_header: 'yes' }, /config\.hide_groups_header: expected a boolean/],
  ])('%s', async (_name, config, error) => {
    await expect(start(config)).rejects.toThrow(error);
  });

  test.each<[string, unknown[], RegExp]>([
    ['an acl without a group', [{ username: 'svc', acls: [{ grop: 'a' }] }], /consumers\[svc\]\.acls\[0\]: 2 schema violations \(grop: unknown field; group: required field missing\)/],
    ['a consumer in a group twice', [{ username: 'svc', acls: [{ group: 'a' }, { group: 'a' }] }], /consumers\[svc\]\.acls\[1\]: UNIQUE violation detected on '\{consumer=\{id="[0-9a-f-]+"\},group="a"\}'/],
    ['an unknown entity under a consumer', [{ username: 'svc', basicauth_credentials: [] }], /consumers\[0\]\.basicauth_credentials: unknown or unsupported field/],
    ['a consumer without a name', [{ tags: ['t'] }], /consumers\[0\]: schema violation \(at least one of these fields must be non-empty: 'custom_id', 'username'\)/],
  ])('declared consumers: %s', async (_name, consumers, error) => {
    await expect(start({ allow: ['a'] }, consumers)).rejects.toThrow(error);
  });

  test('consumers declared as decK writes them (keyauth_credentials, acls) are in the store at start, added to what the data file holds', async () => {
    const dataFile = path.join(dir, `${unique('data')}.json`);
    const consumers = [
      { username: 'resource-service', tags: ['resource-services'], keyauth_credentials: [{ key: 'declared-key' }], acls: [{ group: 'gold', tags: ['resource-services'] }] },
      { username: 'outsider', keyauth_credentials: [{ key: 'outsider-key' }] },
    ];
    const first = await start({ allow: ['gold'] }, consumers, dataFile);
    try {
      expect((await send(first.proxyUrl, '/', { headers: { apikey: 'declared-key' } })).status).toBe(502); // through acl, to nothing listening
      expect((await send(first.proxyUrl, '/', { headers: { apikey: 'outsider-key' } })).status).toBe(403);
      const acls = await send(first.adminUrl, '/consumers/resource-service/acls');
      expect(acls.body.data).toEqual([expect.objectContaining({ group: 'gold', tags: ['resource-services'] })]);
      // Made through the Admin API: kept across the restart below.
      await send(first.adminUrl, '/consumers/outsider/acls', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"group":"gold"}' });
    } finally {
      await first.close();
    }
    const second = await start({ allow: ['gold'] }, consumers, dataFile);
    try {
      const acls = await send(second.adminUrl, '/consumers/resource-service/acls');
      expect(acls.body.data).toHaveLength(1);
      expect((await send(second.proxyUrl, '/', { headers: { apikey: 'outsider-key' } })).status).toBe(502);
    } finally {
      await second.close();
    }
  });

  test('a valid one starts, and the Admin API lists the plugin at its priority', async () => {
    const gateway = await start({ deny: ['b'], always_use_authenticated_groups: true });
    try {
      const info = await send(gateway.adminUrl, '/');
      expect(info.body.plugins.available_on_server.acl).toEqual({ version: expect.any(String), priority: 950 });
    } finally {
      await gateway.close();
    }
  });
});
