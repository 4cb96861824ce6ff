import { calculateJwkThumbprint } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { publicKey, thumbprint } from '../../../lib/keys/algorithms';

it('names keys by their RFC 7638 thumbprint: the RFC\'s own example, and what jose computes', async () => {
  // RFC 7638 §3.1.
  const rfcKey = {
    kty: 'RSA',
    n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
    e: 'AQAB',
    alg: 'RS256',
    kid: '2011-04-29',
  };
  expect(thumbprint(rfcKey)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');

  const ec = publicKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey, 'ES256');
  expect(ec.kid).toBe(await calculateJwkThumbprint(ec.jwk));
  const rsa = publicKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, 'RS256');
  expect(rsa.kid).toBe(await calculateJwkThumbprint(rsa.jwk));
});

it('gives a key as the JWKS, Kong and verifiers need it, the private half never', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = publicKey(privateKey, 'ES256');
  expect(key.jwk).toEqual({ kty: 'EC', kid: key.kid, alg: 'ES256', use: 'sig', crv: 'P-256', x: expect.any(String), y: expect.any(String) });
  expect(key.key.type).toBe('public');
  expect(key.pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
  expect(publicKey(key.jwk, 'ES256').pem).toBe(key.pem);
});

// Kong stores any of these for an ES256 credential and fails only when a token arrives.
it.each([
  ['a P-384 key for ES256', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey, 'ES256'],
  ['an RSA key for ES256', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, 'ES256'],
  ['an EC key for RS256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey, 'RS256'],
  ['a 1024-bit RSA key', () => generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey, 'RS256'],
  ['an Ed25519 key', () => generateKeyPairSync('ed25519').publicKey, 'ES256'],
  ['a JWK that is no key', () => ({ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }), 'ES256'],
] as const)('refuses %s', (_name, key, algorithm) => {
  expect(() => publicKey(key(), algorithm)).toThrow(`not a public key for ${algorithm}`);
});
