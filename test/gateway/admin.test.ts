/** Admin API conformance: consumers as Kong 3.9 serves them (plugins' entities: test/gateway/plugins). */
import { admin, now, send, startTarget, unique, UUID, type Target } from './support';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(() => target.close());

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

  test('multipart/form-data bodies work, as with curl -F, file parts by their content', async () => {
    const username = unique('multi');
    const boundary = 'gateway-test-boundary';
    const part = (name: string, value: string, filename?: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n\r\n${value}\r\n`;
    const reply = await send(target.adminUrl, '/consumers', {
      method: 'POST',
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body: `${part('username', username)}${part('tags[]', 'a')}${part('tags[]', 'b')}${part('custom_id', `${username}-file`, 'id.txt')}--${boundary}--\r\n`,
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ username, custom_id: `${username}-file`, tags: ['a', 'b'] });
  });

  test('HEAD is GET without the body', async () => {
    const username = unique('head');
    await admin(target, 'POST', '/consumers', { username });
    const get = await admin(target, 'GET', `/consumers/${username}`);
    const head = await send(target.adminUrl, `/consumers/${username}`, { method: 'HEAD' });
    expect([head.status, head.text, head.headers['content-length'], head.headers['content-type']]).toEqual([
      200, '', get.headers['content-length'], 'application/json; charset=utf-8',
    ]);
    expect((await send(target.adminUrl, `/consumers/${unique('nobody')}`, { method: 'HEAD' })).status).toBe(404);
  });

  test('OPTIONS is 204 with the endpoint\'s methods in Allow and the CORS headers', async () => {
    const collection = await send(target.adminUrl, '/consumers', { method: 'OPTIONS' });
    expect(collection.status).toBe(204);
    expect(collection.headers).toMatchObject({
      allow: 'GET, HEAD, OPTIONS, POST',
      'access-control-allow-methods': 'GET, HEAD, OPTIONS, POST',
      'access-control-allow-headers': 'Content-Type',
      'access-control-allow-origin': '*',
    });
    const entity = await send(target.adminUrl, `/consumers/${unique('any')}`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://console.test', 'Access-Control-Request-Headers': 'Authorization, Content-Type' },
    });
    expect(entity.headers).toMatchObject({
      allow: 'DELETE, GET, HEAD, OPTIONS, PATCH, PUT',
      'access-control-allow-headers': 'Authorization, Content-Type',
      'access-control-allow-origin': 'http://console.test',
      'access-control-allow-credentials': 'true',
    });
    expect((await send(target.adminUrl, '/no-such-endpoint', { method: 'OPTIONS' })).status).toBe(404);
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

  test('every answer carries Server, X-Kong-Admin-Latency and the Admin API\'s CORS headers', async () => {
    const plain = await admin(target, 'GET', '/consumers');
    expect(plain.headers).toMatchObject({
      server: 'kong/3.9.3',
      'x-kong-admin-latency': expect.stringMatching(/^\d+$/),
      'access-control-allow-origin': '*',
      'access-control-allow-credentials': 'true',
    });
    const fromPage = await send(target.adminUrl, `/consumers/${unique('nobody')}`, { headers: { Origin: 'http://console.test' } });
    expect(fromPage.status).toBe(404);
    expect(fromPage.headers['access-control-allow-origin']).toBe('http://console.test');
  });

  test('DELETE is 204, also when there is nothing to delete', async () => {
    const { body } = await admin(target, 'POST', '/consumers', { username: unique('gone') });
    expect((await admin(target, 'DELETE', `/consumers/${body.id}`)).status).toBe(204);
    expect((await admin(target, 'DELETE', `/consumers/${body.id}`)).status).toBe(204);
    expect((await admin(target, 'GET', `/consumers/${body.id}`)).status).toBe(404);
  });
});

describe('node status', () => {
  // What the service's health check asks (lib/kong/admin-client.ts checkStatus): Kong answers 200 while it runs,
  // with database.reachable false (still 200) when it cannot reach its database (kong/api/routes/health.lua).
  test('GET /status is 200 JSON with the database reachable; other methods are 405', async () => {
    const status = await admin(target, 'GET', '/status');
    expect(status.status).toBe(200);
    expect(status.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(status.body).toMatchObject({ database: { reachable: true } });
    expect((await admin(target, 'POST', '/status', {})).status).toBe(405);
  });
});
