/**
 * The operators' OAuth client registry through the gateway (docs/admin.md):
 * `/api/admin/clients`, the same registry as `npm run clients`, for a Kong
 * consumer with a key-auth key in the acl group auth-admins.
 */
import { resourceService } from '../support/clients';
import { request } from '../support/http';

const PROXY = process.env.PROXY_URL!;
let operator: string;

beforeAll(async () => {
  operator = await resourceService(['auth-admins']);
});

const asOperator = (method: string, path: string, body?: unknown, key: string | null = operator) =>
  request(`${PROXY}${path}`, { method, body, headers: key === null ? {} : { apikey: key } });

/** RFC 6749 §4.4 with client_secret_basic (§2.3.1: id and secret form-encoded first). */
const clientCredentials = (clientId: string, secret: string) =>
  fetch(`${PROXY}/oauth2/token`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });

it('creates a client that works at the token endpoint, lists it without its secret, deletes it (twice), and then the token endpoint refuses it', async () => {
  const created = await asOperator('POST', '/api/admin/clients', { name: 'Reports service', redirect_uris: ['https://reports.example.test/cb'] });
  expect(created).toMatchObject({
    status: 201,
    body: { client_name: 'Reports service', token_endpoint_auth_method: 'client_secret_basic', client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
  });
  expect(created.headers.get('cache-control')).toBe('no-store');
  const { client_id: clientId, client_secret: secret } = created.body as { client_id: string; client_secret: string };

  const granted = await clientCredentials(clientId, secret);
  expect(granted.status).toBe(200);
  expect(await granted.json()).toMatchObject({ access_token: expect.any(String), token_type: expect.stringMatching(/^bearer$/i) });

  const listed = await asOperator('GET', '/api/admin/clients');
  expect(listed.status).toBe(200);
  expect((listed.body as { clients: Array<{ client_id: string }> }).clients).toContainEqual(expect.objectContaining({ client_id: clientId, client_name: 'Reports service' }));
  const text = JSON.stringify(listed.body);
  expect(text).not.toContain(secret);
  expect(text).not.toMatch(/secret"|hash/i);

  expect((await asOperator('DELETE', `/api/admin/clients/${clientId}`)).status).toBe(204);
  expect((await asOperator('DELETE', `/api/admin/clients/${clientId}`)).status).toBe(204);
  const refused = await clientCredentials(clientId, secret);
  expect(refused.status).toBe(401);
  expect(await refused.json()).toMatchObject({ error: 'invalid_client' });
  expect(JSON.stringify((await asOperator('GET', '/api/admin/clients')).body)).not.toContain(clientId);
});

it('answers 400 invalid_request for a redirect URI one may not register, or a body of another shape, and registers nothing', async () => {
  for (const body of [
    { name: 'Bad', redirect_uris: ['http://evil.example.test/cb'] },
    { name: 'Bad', redirect_uris: [] },
    { name: 'Bad', redirect_uris: ['https://a.example.test/cb'], client_secret: 'chosen' },
  ]) {
    expect(await asOperator('POST', '/api/admin/clients', body)).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
  }
  expect(JSON.stringify((await asOperator('GET', '/api/admin/clients')).body)).not.toContain('"Bad"');
});

it('a public client gets no secret', async () => {
  const created = await asOperator('POST', '/api/admin/clients', { name: 'SPA', redirect_uris: ['http://127.0.0.1:5173/cb'], public: true });
  expect(created).toMatchObject({ status: 201, body: { token_endpoint_auth_method: 'none' } });
  expect(created.body).not.toHaveProperty('client_secret');
  expect((await asOperator('DELETE', `/api/admin/clients/${(created.body as { client_id: string }).client_id}`)).status).toBe(204);
});

it('refuses no key with 401 and a key outside auth-admins with 403, before any function runs', async () => {
  const outsider = await resourceService([]);
  for (const [method, path, body] of [
    ['GET', '/api/admin/clients', undefined],
    ['POST', '/api/admin/clients', { name: 'Sneaky', redirect_uris: ['https://sneaky.example.test/cb'] }],
    ['DELETE', '/api/admin/clients/anything', undefined],
  ] as const) {
    expect((await asOperator(method, path, body, null)).status).toBe(401);
    expect(await asOperator(method, path, body, outsider)).toMatchObject({ status: 403, body: { message: 'You cannot consume this service' } });
  }
  expect(JSON.stringify((await asOperator('GET', '/api/admin/clients')).body)).not.toContain('Sneaky');
});
