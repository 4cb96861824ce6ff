/**
 * The service's keys as other services see them: the JWKS and discovery
 * documents, and the signer other capabilities use for tokens of their own
 * (`signingKeys.signJwt`), verified with jose from the JWKS alone.
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import { handler as jwks } from '../../functions/public/jwks';
import { handler as discovery } from '../../functions/public/openid-configuration';
import { signingKeys } from '../../lib/composition/keys';
import { apiEvent, invoke } from '../support/events';
import { keyring } from '../support/signing';

it('publishes every key a valid token can carry, cacheable for the JWKS cache lifetime', async () => {
  const response = await invoke(jwks, apiEvent('GET', '/.well-known/jwks.json'));
  expect(response.status).toBe(200);
  expect(response.headers).toMatchObject({ 'Content-Type': 'application/jwk-set+json', 'Cache-Control': 'public, max-age=300' });
  const published = (await keyring()).filter((key) => ['pending', 'active', 'retiring'].includes(key.state)).map((key) => key.kid);
  expect(response.body.keys.map((key: { kid: string }) => key.kid).sort()).toEqual(published.sort());
  for (const key of response.body.keys) {
    expect(Object.keys(key).sort()).toEqual(key.kty === 'EC' ? ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'] : ['alg', 'e', 'kid', 'kty', 'n', 'use']);
  }
});

it('names the issuer, the JWKS and the OpenID provider endpoints; not introspection, which takes no OAuth client authentication', async () => {
  const response = await invoke(discovery, apiEvent('GET', '/.well-known/openid-configuration'));
  const issuer = process.env.ISSUER_URL;
  expect(response.body).toMatchObject({
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    authorization_endpoint: `${issuer}/oauth2/authorize`,
    token_endpoint: `${issuer}/oauth2/token`,
    userinfo_endpoint: `${issuer}/oauth2/userinfo`,
    end_session_endpoint: `${issuer}/oauth2/logout`,
    revocation_endpoint: `${issuer}/api/public/revoke`,
    introspection_endpoint: `${issuer}/oauth2/introspect`,
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'password', 'client_credentials'],
    authorization_response_iss_parameter_supported: true,
  });
});

it('signs short-lived tokens for another service that it verifies from the JWKS alone', async () => {
  const token = await signingKeys.signJwt({ aud: 'profile-service', sub: 'alice', email: 'alice@example.test' }, 60);
  const keys = createLocalJWKSet((await invoke(jwks, apiEvent('GET', '/.well-known/jwks.json'))).body);
  const { payload, protectedHeader } = await jwtVerify(token, keys, { issuer: process.env.ISSUER_URL, audience: 'profile-service' });
  expect(payload).toMatchObject({ sub: 'alice', email: 'alice@example.test', jti: expect.any(String) });
  expect(payload.exp! - payload.iat!).toBe(60);
  expect(protectedHeader.kid).toBe((await keyring()).find((key) => key.state === 'active')?.kid);
  await expect(jwtVerify(token, keys, { audience: 'another-service' })).rejects.toThrow();
  await expect(signingKeys.signJwt({ aud: 'x', sub: 'y' }, 7200)).rejects.toThrow(RangeError);
});
