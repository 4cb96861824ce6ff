import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KeyCustody } from '../../../lib/keys/custody';
import { FileKeyCustody } from '../../../lib/keys/file-custody';
import { KeyRotation } from '../../../lib/keys/rotation';
import { SigningKeys } from '../../../lib/keys/signing-keys';
import { MemoryKeyRingStore } from '../support/memory-stores';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'signing-keys-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const timing = { jwksCacheSeconds: 300, accessTokenTtlSeconds: 900, rotationSeconds: 86400 };
const now = () => Math.floor(Date.now() / 1000);

async function ring() {
  const store = new MemoryKeyRingStore();
  const files = new FileKeyCustody(dir);
  await new KeyRotation(store, files, { retire: async () => undefined }, 'ES256', timing).advance(now());
  // Counts how often a signer is prepared (a key file read and parsed).
  const custody: KeyCustody & { prepared: number } = {
    kind: 'file',
    prepared: 0,
    create: (algorithm) => files.create(algorithm),
    destroy: (ref) => files.destroy(ref),
    signer(ref, algorithm, kid) {
      this.prepared++;
      return files.signer(ref, algorithm, kid);
    },
  };
  return { store, custody };
}

it('reads the keyring at most every refreshSeconds, and prepares each signer once', async () => {
  const { store, custody } = await ring();
  const keys = new SigningKeys(store, custody, 60, 'https://auth.example.test');
  const reads = store.reads;
  await Promise.all(Array.from({ length: 20 }, () => keys.signJwt({ aud: 'a', sub: 'b' }, 60)));
  expect(store.reads - reads).toBe(1);
  expect(custody.prepared).toBe(1);

  // A change in the keyring shows once the refresh interval is over (here: forced).
  await new KeyRotation(store, custody, { retire: async () => undefined }, 'ES256', timing).advance(now(), { rotateNow: true });
  expect((await keys.jwks()).keys).toHaveLength(1);
  keys.reload();
  expect((await keys.jwks()).keys).toHaveLength(2);
});

it('never uses a keyring entry whose public key is not the one its kid names', async () => {
  const { store, custody } = await ring();
  const [key] = store.ring.keys;
  store.ring.keys = [{ ...key, jwk: { ...key.jwk, x: store.ring.keys[0].jwk.y } }];
  const keys = new SigningKeys(store, custody, 0, 'https://auth.example.test');
  expect((await keys.jwks()).keys).toEqual([]);
  await expect(keys.current()).rejects.toMatchObject({ status: 503 });
  expect(await keys.verificationKey(key.kid)).toBeUndefined();
});
