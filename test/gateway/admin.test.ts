/** Admin API conformance: consumers and JWT credentials as Kong 3.9 serves them. */
import { generateKeyPairSync } from 'node:crypto';
import { admin, createClient, now, send, startTarget, unique, UUID, type Target } from './support';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(() => target.close());

const GENERATED = /^[A-Za-z0-9]{32}$/;

describe('consumers', () => {
  test('POST creates a consumer with Kong\'s fields, readable by id and by username', async () => {
    const username = unique('alice');
    const created = await admin(target, 'POST', '/consumers', { username });
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(created.body).toEqual({
      id: expect.stringMatching(UUID),
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
      username,
      custom_id: null,
      tags: null,
    });
    expect(Math.abs(created.body.created_at - now())).toBeLessThan(60);

    expect((await admin(target, 'GET', `/consumers/${created.body.id}`)).body).toEqual(created.body);
    expect((await admin(target, 'GET', `/consumers/${username}`)).body).toEqual(created.body);
  });

  test('an unknown consumer is 404 Not found, by username or by id', async () => {
    for (const ref of [unique('nobody'), '9f0e4a52-2b6c-4a8e-9d3e-6b1f0c2d3e4f']) {
      const reply = await admin(target, 'GET', `/consumers/${ref}`);
      expect(reply.status).toBe(404);
      expect(reply.body).toEqual({ message: 'Not found' });
    }
  });

  test('a taken username or custom_id is a 409 unique violation', async () => {
    const username = unique('bob');
    const customId = unique('custom');
    await admin(target, 'POST', '/consumers', { username, custom_id: customId });

    const sameName = await admin(target, 'POST', '/consumers', { username });
    expect(sameName.status).toBe(409);
    expect(sameName.body).toEqual({
      code: 5,
      name: 'unique constraint violation',
      message: `UNIQUE violation detected on '{username="${username}"}'`,
      fields: { username },
    });
    const sameCustomId = await admin(target, 'POST', '/consumers', { custom_id: customId });
    expect(sameCustomId.status).toBe(409);
    expect(sameCustomId.body.fields).toEqual({ custom_id: customId });
  });

  test('schema violations are 400 with Kong\'s messages', async () => {
    const empty = await admin(target, 'POST', '/consumers', {});
    expect(empty.status).toBe(400);
    expect(empty.body).toEqual({
      code: 2,
      name: 'schema violation',
      message: "schema violation (at least one of these fields must be non-empty: 'custom_id', 'username')",
      fields: { '@entity': ["at least one of these fields must be non-empty: 'custom_id', 'username'"] },
    });

    const wrongType = await admin(target, 'POST', '/consumers', { username: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toBe('schema violation (username: expected a string)');

    const unknownField = await admin(target, 'POST', '/consumers', { username: unique('carol'), nickname: 'c' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body).toMatchObject({ message: 'schema violation (nickname: unknown field)', fields: { nickname: 'unknown field' } });
  });

  test('a body that is not JSON is 400 Cannot parse JSON body', async () => {
    const reply = await send(target.adminUrl, '/consumers', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"username": ',
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ message: 'Cannot parse JSON body' });
  });

  test('form-encoded bodies work, as with curl -d, nested fields included', async () => {
    const username = unique('dave');
    const reply = await send(target.adminUrl, '/consumers', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `username=${username}&tags[]=a&tags[]=b`,
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ username, tags: ['a', 'b'] });

    const key = unique('form-key');
    const credential = await send(target.adminUrl, '/jwts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `consumer.id=${reply.body.id}&key=${key}`,
    });
    expect(credential.status).toBe(201);
    expect(credential.body).toMatchObject({ consumer: { id: reply.body.id }, key, algorithm: 'HS256' });
  });

  test('a method the endpoint does not have is 405', async () => {
    const reply = await admin(target, 'DELETE', '/consumers');
    expect(reply.status).toBe(405);
    expect(reply.body).toEqual({ message: 'Method not allowed' });
  });

  test('lists page by size, with offset and next until the last page', async () => {
    const tag = unique('page');
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add((await admin(target, 'POST', '/consumers', { username: unique('paged'), tags: [tag] })).body.id);

    const seen: string[] = [];
    let path: string | null = `/consumers?tags=${tag}&size=2`;
    const pages: unknown[] = [];
    while (path) {
      const reply = await admin(target, 'GET', path);
      expect(reply.status).toBe(200);
      pages.push(reply.body);
      seen.push(...reply.body.data.map((c: { id: string }) => c.id));
      path = reply.body.next;
    }
    expect(new Set(seen)).toEqual(ids);
    expect(pages).toEqual([
      { data: [expect.any(Object), expect.any(Object)], offset: expect.any(String), next: expect.stringMatching(/^\/consumers\?offset=.+&tags=.+&size=2$/) },
      { data: [expect.any(Object)], next: null },
    ]);
  });

  test('?custom_id= finds one consumer', async () => {
    const customId = unique('ext');
    const created = await admin(target, 'POST', '/consumers', { custom_id: customId });
    const reply = await admin(target, 'GET', `/consumers?custom_id=${customId}`);
    expect(reply.body).toEqual({ data: [created.body], next: null });
    expect((await admin(target, 'GET', `/consumers?custom_id=${unique('none')}`)).body).toEqual({ data: [], next: null });
  });

  test('PATCH updates, PUT creates or replaces', async () => {
    const username = unique('erin');
    const created = await admin(target, 'POST', '/consumers', { username });
    const patched = await admin(target, 'PATCH', `/consumers/${username}`, { custom_id: 'erin-1' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: created.body.id, username, custom_id: 'erin-1' });
    expect((await admin(target, 'PATCH', `/consumers/${unique('ghost')}`, { custom_id: 'x' })).status).toBe(404);

    const putName = unique('frank');
    const put = await admin(target, 'PUT', `/consumers/${putName}`, { custom_id: unique('frank') });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: expect.stringMatching(UUID), username: putName });
  });

  test('DELETE is 204, also when there is nothing to delete', async () => {
    const { body } = await admin(target, 'POST', '/consumers', { username: unique('gone') });
    expect((await admin(target, 'DELETE', `/consumers/${body.id}`)).status).toBe(204);
    expect((await admin(target, 'DELETE', `/consumers/${body.id}`)).status).toBe(204);
    expect((await admin(target, 'GET', `/consumers/${body.id}`)).status).toBe(404);
  });
});

describe('JWT credentials', () => {
  test('POST {} generates a 32-character key and secret, HS256', async () => {
    const { consumer, credential } = await createClient(target);
    expect(credential).toEqual({
      id: expect.stringMatching(UUID),
      created_at: expect.any(Number),
      consumer: { id: consumer.id },
      key: expect.stringMatching(GENERATED),
      secret: expect.stringMatching(GENERATED),
      rsa_public_key: null,
      algorithm: 'HS256',
      tags: null,
    });
    expect(credential.key).not.toBe(credential.secret);
  });

  test('given key and secret are kept; a taken key is a 409', async () => {
    const key = unique('key');
    const { consumer, credential } = await createClient(target, {}, { key, secret: 'short' });
    expect(credential).toMatchObject({ key, secret: 'short' });

    const again = await admin(target, 'POST', `/consumers/${consumer.username}/jwt`, { key });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      code: 5,
      name: 'unique constraint violation',
      message: `UNIQUE violation detected on '{key="${key}"}'`,
      fields: { key },
    });
  });

  test('a credential for an unknown consumer is 404', async () => {
    const reply = await admin(target, 'POST', `/consumers/${unique('nobody')}/jwt`, {});
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ message: 'Not found' });
  });

  test('RS256 needs a valid rsa_public_key', async () => {
    const { consumer } = await createClient(target);
    const missing = await admin(target, 'POST', `/consumers/${consumer.id}/jwt`, { algorithm: 'RS256' });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      code: 2,
      name: 'schema violation',
      message: "2 schema violations (failed conditional validation given value of field 'algorithm'; rsa_public_key: required field missing)",
      fields: {
        rsa_public_key: 'required field missing',
        '@entity': ["failed conditional validation given value of field 'algorithm'"],
      },
    });

    const invalid = await admin(target, 'POST', `/consumers/${consumer.id}/jwt`, { algorithm: 'RS256', rsa_public_key: 'not a key' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.fields.rsa_public_key).toBe('invalid key');

    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const valid = await admin(target, 'POST', `/consumers/${consumer.id}/jwt`, { algorithm: 'RS256', rsa_public_key: pem });
    expect(valid.status).toBe(201);
    expect(valid.body).toMatchObject({ algorithm: 'RS256', rsa_public_key: pem });
  });

  test('an unknown algorithm is a schema violation', async () => {
    const { consumer } = await createClient(target);
    const reply = await admin(target, 'POST', `/consumers/${consumer.id}/jwt`, { algorithm: 'none' });
    expect(reply.status).toBe(400);
    expect(reply.body.fields).toEqual({
      algorithm: 'expected one of: HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384, ES512, PS256, PS384, PS512, EdDSA',
    });
  });

  test('readable by id or key, nested or top-level, with the secret in clear', async () => {
    const { consumer, credential } = await createClient(target);
    const list = await admin(target, 'GET', `/consumers/${consumer.id}/jwt`);
    expect(list.body).toEqual({ data: [credential], next: null });
    for (const path of [
      `/consumers/${consumer.username}/jwt/${credential.id}`,
      `/consumers/${consumer.id}/jwt/${credential.key}`,
      `/jwts/${credential.id}`,
      `/jwts/${credential.key}`,
    ]) {
      const reply = await admin(target, 'GET', path);
      expect([path, reply.status, reply.body]).toEqual([path, 200, credential]);
    }
    expect((await admin(target, 'GET', `/jwts/${credential.key}/consumer`)).body).toEqual(consumer);
  });

  test('another consumer\'s credential is 404 through the nested path', async () => {
    const owner = await createClient(target);
    const other = await createClient(target);
    const path = `/consumers/${other.consumer.id}/jwt/${owner.credential.id}`;
    expect((await admin(target, 'GET', path)).status).toBe(404);
    expect((await admin(target, 'DELETE', path)).status).toBe(404);
    expect((await admin(target, 'GET', `/jwts/${owner.credential.id}`)).status).toBe(200);
  });

  test('nested DELETE is 204, then 404; deleting the consumer deletes its credentials', async () => {
    const { consumer, credential } = await createClient(target);
    const second = await admin(target, 'POST', `/consumers/${consumer.id}/jwt`, {});
    const path = `/consumers/${consumer.id}/jwt/${credential.id}`;
    expect((await admin(target, 'DELETE', path)).status).toBe(204);
    expect((await admin(target, 'DELETE', path)).status).toBe(404);

    expect((await admin(target, 'DELETE', `/consumers/${consumer.id}`)).status).toBe(204);
    const orphan = await admin(target, 'GET', `/jwts/${second.body.id}`);
    expect(orphan.status).toBe(404);
    expect(orphan.body).toEqual({ message: 'Not found' });
  });
});
