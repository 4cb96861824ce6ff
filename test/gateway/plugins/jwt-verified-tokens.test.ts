/**
 * The jwt plugin's memory of tokens that verified (kong/gateway/plugins/jwt/handler.ts):
 * a token that passed once must still be refused as soon as its credential is
 * deleted or its key replaced, or once it expires. Kong verifies every request
 * in full, so against real Kong these hold as well.
 */
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { admin, createClient, now, send, startTarget, type Reply, type Target } from '../support';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(() => target.close());

const PROTECTED = '/api/jwt/info';
const bearer = (value: string) => send(target.proxyUrl, PROTECTED, { headers: { Authorization: `Bearer ${value}` } });
const outcome = (reply: Reply) => ({ status: reply.status, body: reply.status === 200 ? undefined : reply.body });

const es256 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (pair: ReturnType<typeof es256>) => pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** A consumer with an ES256 credential, and a token it signed that has just passed. */
async function verifiedOnce(claims: Record<string, unknown> = {}) {
  const pair = es256();
  const client = await createClient(target, {}, { algorithm: 'ES256', rsa_public_key: pem(pair) });
  const token = jwt.sign({ ckey: client.credential.key, exp: now() + 600, ...claims }, pair.privateKey, { algorithm: 'ES256', noTimestamp: true });
  expect(outcome(await bearer(token))).toEqual({ status: 200, body: undefined });
  expect(outcome(await bearer(token))).toEqual({ status: 200, body: undefined });
  return { client, token };
}

test('a verified token whose credential is deleted is refused at once', async () => {
  const { client, token } = await verifiedOnce();
  expect((await admin(target, 'DELETE', `/jwts/${client.credential.id}`)).status).toBe(204);
  expect(outcome(await bearer(token))).toEqual({ status: 401, body: { message: "No credentials found for given 'ckey'" } });
});

test('a verified token whose credential is replaced with another key under the same key claim is refused', async () => {
  const { client, token } = await verifiedOnce();
  const path = `/consumers/${client.consumer.id}/jwt/${client.credential.id}`;
  const replaced = await admin(target, 'PUT', path, { key: client.credential.key, algorithm: 'ES256', rsa_public_key: pem(es256()) });
  expect(replaced.status).toBe(200);
  expect(outcome(await bearer(token))).toEqual({ status: 401, body: { message: 'Invalid signature' } });

  // Deleted and made again, with a new key, under the same key claim.
  expect((await admin(target, 'DELETE', path)).status).toBe(204);
  const again = await admin(target, 'POST', `/consumers/${client.consumer.id}/jwt`, { key: client.credential.key, algorithm: 'ES256', rsa_public_key: pem(es256()) });
  expect(again.status).toBe(201);
  expect(outcome(await bearer(token))).toEqual({ status: 401, body: { message: 'Invalid signature' } });
});

test('a verified token whose credential changes algorithm is refused', async () => {
  const { client, token } = await verifiedOnce();
  const changed = await admin(target, 'PATCH', `/consumers/${client.consumer.id}/jwt/${client.credential.id}`, { algorithm: 'HS256', rsa_public_key: null });
  expect(changed.status).toBe(200);
  expect(outcome(await bearer(token))).toEqual({ status: 401, body: { message: 'Invalid algorithm' } });
});

test('a verified token is refused once it expires', async () => {
  const exp = now() + 2;
  const { token } = await verifiedOnce({ exp });
  // Kong compares exp with the clock at each request: wait until it is past.
  await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
  expect(outcome(await bearer(token))).toEqual({ status: 401, body: { exp: 'token expired' } });
});
