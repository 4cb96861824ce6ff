/**
 * The keys' timeline (lib/keys/rotation.ts) with key files and an in-memory
 * keyring, its time given: published before signing, signing, published
 * until the last token it signed expired, then gone (from the JWKS, from
 * Kong, from disk). What verifiers see is read through SigningKeys.
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileKeyCustody } from '../../../lib/keys/file-custody';
import { KeyRotation, type RotationTiming } from '../../../lib/keys/rotation';
import { SigningKeys } from '../../../lib/keys/signing-keys';
import { MemoryKeyRingStore } from '../support/memory-stores';

const TIMING: RotationTiming = { jwksCacheSeconds: 300, accessTokenTtlSeconds: 900, rotationSeconds: 30 * 86400 };
const T0 = 1_800_000_000;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rotation-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function setup(algorithm: 'ES256' | 'RS256' = 'ES256') {
  const store = new MemoryKeyRingStore();
  const custody = new FileKeyCustody(dir);
  const retired: string[] = [];
  const rotation = new KeyRotation(store, custody, { retire: async (kid) => void retired.push(kid) }, algorithm, TIMING);
  // refreshSeconds 0: every call reads the keyring, as a function would once its cache ran out.
  const keys = new SigningKeys(store, custody, 0, 'https://auth.example.test');
  const states = () => store.ring.keys.map((key) => key.state);
  return { store, rotation, keys, retired, states, custody };
}

it('makes a first key that signs at once', async () => {
  const { rotation, keys, states } = setup();
  await expect(keys.current()).rejects.toMatchObject({ status: 503, dependency: 'signing-keys' });
  expect((await rotation.advance(T0)).changes).toEqual([expect.stringMatching(/^created .+ \(signing at once\)$/)]);
  expect(states()).toEqual(['active']);
  expect((await keys.jwks()).keys).toHaveLength(1);
  expect((await rotation.advance(T0 + 60)).changes).toEqual([]);
});

it('publishes a new key a JWKS cache lifetime before it signs, and keeps the old one until its last token expired', async () => {
  const { store, rotation, keys, retired, states } = setup();
  await rotation.advance(T0);
  const first = await keys.current();
  const before = await keys.signJwt({ aud: 'svc', sub: 'alice' }, 60);

  // Asked to rotate: the new key is only published.
  const started = await rotation.advance(T0 + 100, { rotateNow: true });
  expect(started.changes).toEqual([expect.stringMatching(/^published /)]);
  expect(states()).toEqual(['active', 'pending']);
  expect((await keys.current()).kid).toBe(first.kid);
  const second = store.ring.keys[1];
  expect((await keys.jwks()).keys.map((key) => key.kid)).toEqual([first.kid, second.kid]);

  // Not before every cached JWKS can hold it; asking again starts no second rotation.
  expect((await rotation.advance(T0 + 399, { rotateNow: true })).changes).toEqual([]);
  expect((await rotation.advance(T0 + 400)).changes).toEqual([`activated ${second.kid}`]);
  expect(states()).toEqual(['retiring', 'active']);
  expect((await keys.current()).kid).toBe(second.kid);
  const after = await keys.signJwt({ aud: 'svc', sub: 'alice' }, 60);

  // Both verify from the JWKS meanwhile.
  const jwks = createLocalJWKSet(await keys.jwks());
  for (const token of [before, after]) await expect(jwtVerify(token, jwks, { audience: 'svc' })).resolves.toBeDefined();

  // The old key stays for the access-token lifetime plus a cache lifetime after it stopped signing.
  expect((await rotation.advance(T0 + 400 + 1199)).changes).toEqual([]);
  expect(retired).toEqual([]);
  const done = await rotation.advance(T0 + 400 + 1200);
  expect(done.changes).toEqual([`retired ${first.kid}`, `removed ${first.kid}`]);
  expect(retired).toEqual([first.kid]);
  expect(states()).toEqual(['active']);
  expect((await keys.jwks()).keys.map((key) => key.kid)).toEqual([second.kid]);
  expect(existsSync(path.join(dir, `${first.kid}.pem`))).toBe(false);
  await expect(jwtVerify(before, createLocalJWKSet(await keys.jwks()))).rejects.toThrow();
});

it('rotates on its own once the active key is older than the rotation period', async () => {
  const { rotation, states } = setup();
  await rotation.advance(T0);
  expect((await rotation.advance(T0 + TIMING.rotationSeconds - 1)).changes).toEqual([]);
  expect((await rotation.advance(T0 + TIMING.rotationSeconds)).changes).toEqual([expect.stringMatching(/^published /)]);
  expect(states()).toEqual(['active', 'pending']);
});

it('moves to a new algorithm by an ordinary rotation', async () => {
  const es = setup('ES256');
  await es.rotation.advance(T0);
  const rs = new KeyRotation(es.store, es.custody, { retire: async () => undefined }, 'RS256', TIMING);
  expect((await rs.advance(T0 + 1)).changes).toEqual([expect.stringMatching(/^published /)]);
  await rs.advance(T0 + 1 + 300);
  expect(es.store.ring.keys.map((key) => [key.algorithm, key.state])).toEqual([
    ['ES256', 'retiring'],
    ['RS256', 'active'],
  ]);
});

it('lets one of two concurrent runs apply each step, and leaves no stray key file', async () => {
  const { store, rotation } = setup();
  await Promise.all([rotation.advance(T0), rotation.advance(T0), rotation.advance(T0)]);
  expect(store.ring.keys).toHaveLength(1);
  await Promise.all([rotation.advance(T0 + 10, { rotateNow: true }), rotation.advance(T0 + 10, { rotateNow: true })]);
  expect(store.ring.keys.map((key) => key.state)).toEqual(['active', 'pending']);
  const { readdir } = await import('node:fs/promises');
  expect((await readdir(dir)).sort()).toEqual(store.ring.keys.map((key) => key.ref).sort());
});

it('retries the clean-up of a retired key that failed: the key is out of the JWKS meanwhile', async () => {
  const { store, keys, custody } = setup();
  let failing = true;
  const rotation = new KeyRotation(store, custody, { retire: async () => { if (failing) throw new Error('kong is down'); } }, 'ES256', TIMING);
  await rotation.advance(T0);
  await rotation.advance(T0 + 1, { rotateNow: true });
  await rotation.advance(T0 + 301);
  await expect(rotation.advance(T0 + 301 + 1200)).rejects.toThrow('kong is down');
  expect(store.ring.keys.map((key) => key.state)).toEqual(['retired', 'active']);
  expect((await keys.jwks()).keys).toHaveLength(1);
  failing = false;
  expect((await rotation.advance(T0 + 2000)).changes).toEqual([expect.stringMatching(/^removed /)]);
});
