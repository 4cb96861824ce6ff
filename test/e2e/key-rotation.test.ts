/**
 * A signing-key rotation on a stack of its own, driven by the rotation's own
 * code with its clock moved forward (its waits are minutes long; what
 * happens at each step is what is tested, not the waiting): tokens issued
 * before, during and after it keep passing the gateway and verifying from
 * the JWKS until the retired key leaves both.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { DynamoDBKeyRingStore } from '../../lib/keys/dynamodb-store';
import { FileKeyCustody } from '../../lib/keys/file-custody';
import { KeyRotation } from '../../lib/keys/rotation';
import { KongAdminClient } from '../../lib/kong/admin-client';
import { retireKey } from '../../lib/kong/credentials';
import type { Stack } from '../../scripts/stack';
import { client, type Tokens } from '../support/flow';
import { request } from '../support/http';
import { ALGORITHM, PUBLIC_KEYS } from '../support/signing';
import { startPrivateStack, withDynamo } from '../support/stack';

let stack: Stack;
// Every request reads the keyring: a function's cached copy would otherwise lag the moved clock by up to a minute.
beforeAll(async () => {
  stack = await startPrivateStack({ env: { SIGNING_KEYS_REFRESH_SECONDS: '0' } });
}, 120_000);
afterAll(() => stack?.stop());

const TIMING = { jwksCacheSeconds: 300, accessTokenTtlSeconds: 900, rotationSeconds: 30 * 86400 };
const KEY_ALGORITHM = ALGORITHM === 'RS256' ? 'RS256' : 'ES256';

/** One rotation run at time `at`, as the scheduled function would run it then. */
function advance(at: number, rotateNow = false) {
  return withDynamo(stack.urls.dynamodb, async (dynamodb) => {
    const store = new DynamoDBKeyRingStore(DynamoDBDocumentClient.from(dynamodb), stack.env.TOKENS_TABLE);
    const kong = new KongAdminClient(stack.urls.admin, 3000);
    const rotation = new KeyRotation(store, new FileKeyCustody(stack.signingKeyDir), { retire: (kid) => retireKey(kong, kid) }, KEY_ALGORITHM, TIMING);
    return rotation.advance(at, { rotateNow });
  });
}

const jwks = async () => (await request(`${stack.urls.proxy}/.well-known/jwks.json`)).body as JSONWebKeySet;
const kids = async () => (await jwks()).keys.map((key) => key.kid!);
const kidOf = (tokens: Tokens) => decodeProtectedHeader(tokens.access_token).kid;

/** Passes the gateway, and (with public keys) verifies from the JWKS alone. */
async function works(tokens: Tokens) {
  const gateway = await client(stack.urls.proxy).info(tokens.access_token);
  if (!PUBLIC_KEYS) return gateway.status === 200;
  const verified = await jwtVerify(tokens.access_token, createLocalJWKSet(await jwks())).then(() => true, () => false);
  return gateway.status === 200 && verified;
}

it('keeps tokens of the old and the new key valid through a rotation, until the old key is retired', async () => {
  const gateway = client(stack.urls.proxy);
  const t0 = Math.floor(Date.now() / 1000);
  const alice = await gateway.newSession('before');
  const [oldKid] = await kids();

  // 1. Published, not signing yet: the JWKS has both keys, tokens are still signed with the old one.
  const published = await advance(t0, true);
  expect(published.changes).toEqual([expect.stringMatching(/^published /)]);
  const newKid = published.keys.find((key) => key.state === 'pending')!.kid;
  expect(await kids()).toEqual([oldKid, newKid]);
  const during = await gateway.newSession('during');
  if (PUBLIC_KEYS) expect(kidOf(during.tokens)).toBe(oldKid);
  expect([await works(alice.tokens), await works(during.tokens)]).toEqual([true, true]);

  // 2. A cache lifetime later the new key signs; the old one still verifies what it signed.
  expect((await advance(t0 + 300)).changes).toEqual([`activated ${newKid}`]);
  const after = await gateway.newSession('after');
  const refreshed: Tokens = (await gateway.refresh(alice.tokens.refresh_token)).body;
  if (PUBLIC_KEYS) expect([kidOf(after.tokens), kidOf(refreshed)]).toEqual([newKid, newKid]);
  expect([await works(alice.tokens), await works(during.tokens), await works(after.tokens), await works(refreshed)]).toEqual([true, true, true, true]);

  // 3. After the access-token lifetime and a cache lifetime, the old key goes from the JWKS and from Kong.
  expect((await advance(t0 + 300 + 1199)).changes).toEqual([]);
  expect((await advance(t0 + 300 + 1200)).changes).toEqual([`retired ${oldKid}`, `removed ${oldKid}`]);
  expect(await kids()).toEqual([newKid]);
  // (In real time these old tokens would have expired by now; here they show the key is really gone.)
  if (PUBLIC_KEYS) expect([await works(alice.tokens), await works(during.tokens)]).toEqual([false, false]);
  expect([await works(after.tokens), await works(refreshed)]).toEqual([true, true]);
  expect((await gateway.refresh(refreshed.refresh_token)).status).toBe(200);
});
