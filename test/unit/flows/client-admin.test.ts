import { clientAdminFlow } from '../../../lib/flows/client-admin';
import { InMemoryOAuthClientStore } from '../../../lib/oauth-clients/store';
import { OAuthClients } from '../../../lib/oauth-clients/registry';

const operator = { consumer: 'ops-1', consumerId: 'c-1' };

function world() {
  const clients = new OAuthClients(new InMemoryOAuthClientStore());
  return { clients, admin: clientAdminFlow({ clients }) };
}

it('creates a confidential client whose secret is shown once and authenticates; lists it without secret or hash; deletes it idempotently', async () => {
  const { clients, admin } = world();
  const created = await admin.create(operator, { name: 'Reports', redirectUris: ['https://reports.example/cb'] });
  expect(created).toMatchObject({ client_name: 'Reports', token_endpoint_auth_method: 'client_secret_basic', client_secret: expect.any(String) });
  await expect(clients.authenticate({ clientId: created.client_id, clientSecret: created.client_secret, method: 'client_secret_basic' })).resolves.toMatchObject({ id: created.client_id });

  const listed = await admin.list(operator);
  expect(listed).toEqual([expect.objectContaining({ client_id: created.client_id })]);
  const text = JSON.stringify(listed);
  expect(text).not.toMatch(/secret"|hash/i);
  expect(text).not.toContain(created.client_secret!);

  await expect(admin.remove(operator, created.client_id)).resolves.toBe(true);
  await expect(admin.remove(operator, created.client_id)).resolves.toBe(false);
  await expect(clients.authenticate({ clientId: created.client_id, clientSecret: created.client_secret, method: 'client_secret_basic' })).rejects.toMatchObject({ code: 'invalid_client' });
  await expect(admin.list(operator)).resolves.toEqual([]);
});

it('a public client has no secret; bad redirect URIs or names are 400 invalid_request; an id of another shape deletes nothing', async () => {
  const { admin } = world();
  const spa = await admin.create(operator, { name: 'SPA', redirectUris: ['http://127.0.0.1:5173/cb'], public: true });
  expect(spa).not.toHaveProperty('client_secret');
  expect(spa.token_endpoint_auth_method).toBe('none');
  for (const redirectUris of [['http://evil.example/cb'], ['https://a.example/cb#x'], ['not a uri']]) {
    await expect(admin.create(operator, { name: 'X', redirectUris })).rejects.toMatchObject({ status: 400, code: 'invalid_request' });
  }
  await expect(admin.create(operator, { name: '  ', redirectUris: ['https://a.example/cb'] })).rejects.toMatchObject({ status: 400, code: 'invalid_request' });
  await expect(admin.remove(operator, '../client#x')).resolves.toBe(false);
  await expect(admin.list(operator)).resolves.toHaveLength(1);
});
