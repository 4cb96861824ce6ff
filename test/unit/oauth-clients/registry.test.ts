import { InMemoryOAuthClientStore } from '../../../lib/oauth-clients/store';
import { OAuthClients } from '../../../lib/oauth-clients/registry';

const registry = () => new OAuthClients(new InMemoryOAuthClientStore());

it('shows a confidential client its secret once and keeps only its hash', async () => {
  const clients = registry();
  const { client, secret } = await clients.register({ name: 'App', redirectUris: ['https://app.example/cb'] });
  expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const stored = await clients.get(client.id);
  expect(JSON.stringify(stored)).not.toContain(secret);
  await expect(clients.authenticate({ clientId: client.id, clientSecret: secret, method: 'client_secret_basic' })).resolves.toMatchObject({ id: client.id });
  await expect(clients.authenticate({ clientId: client.id, clientSecret: `${secret}x`, method: 'client_secret_post' })).rejects.toMatchObject({ code: 'invalid_client' });
  await expect(clients.authenticate({ clientId: client.id, method: 'none' })).rejects.toMatchObject({ code: 'invalid_client' });
});

it('authenticates a public client by its id alone, and refuses it a secret', async () => {
  const clients = registry();
  const { client, secret } = await clients.register({ name: 'SPA', redirectUris: ['https://spa.example/cb'], public: true });
  expect(secret).toBeUndefined();
  await expect(clients.authenticate({ clientId: client.id, method: 'none' })).resolves.toMatchObject({ public: true });
  await expect(clients.authenticate({ clientId: client.id, clientSecret: 'x', method: 'client_secret_post' })).rejects.toMatchObject({ code: 'invalid_client' });
  await expect(clients.authenticate({ clientId: 'nobody', method: 'none' })).rejects.toMatchObject({ code: 'invalid_client' });
  expect(await clients.isPublicOrigin('https://spa.example')).toBe(true);
  expect(await clients.isPublicOrigin('https://evil.example')).toBe(false);
});

it.each(['http://app.example/cb', 'https://app.example/cb#x', 'javascript:alert(1)', 'relative/cb', 'https://u:p@app.example/'])('refuses to register %s', async (uri) => {
  await expect(registry().register({ name: 'App', redirectUris: [uri] })).rejects.toThrow(RangeError);
});

it('registers loopback http and private-use schemes (RFC 8252)', async () => {
  const { client } = await registry().register({ name: 'Native', redirectUris: ['http://127.0.0.1:5000/cb', 'com.example.app:/cb'], public: true });
  expect(client.redirectUris).toHaveLength(2);
});
