/**
 * The jwt plugin on kong.yml's protected route: every check, in Kong's order,
 * with Kong 3.9's 401 bodies and WWW-Authenticate headers.
 */
import { createHmac, generateKeyPairSync, type KeyPairKeyObjectResult } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { admin, createClient, now, send, startTarget, type Client, type Echoed, type Reply, type Target } from './support';

let target: Target;
let client: Client;
beforeAll(async () => {
  target = await startTarget();
  client = await createClient(target, { custom_id: 'crm-1' });
});
afterAll(() => target.close());

const PROTECTED = '/api/jwt/info';
const INVALID_TOKEN = 'Bearer error="invalid_token"';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token valid for the test client unless overridden. */
function token(claims: Record<string, unknown> = {}, secret = client.credential.secret, algorithm: jwt.Algorithm = 'HS256') {
  return jwt.sign({ iss: client.credential.key, exp: now() + 600, ...claims }, secret, { algorithm, noTimestamp: true });
}

/** An HS256 token with claims jsonwebtoken would refuse to sign. */
function handMade(claims: Record<string, unknown>) {
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', client.credential.secret).update(input).digest('base64url')}`;
}

const call = (headers: Record<string, string | string[]> = {}, path = PROTECTED) => send(target.proxyUrl, path, { headers });
const bearer = (value: string) => call({ Authorization: `Bearer ${value}` });

function expectRejected(reply: Reply, body: Record<string, unknown>, challenge = INVALID_TOKEN) {
  expect({ status: reply.status, body: reply.body, challenge: reply.headers['www-authenticate'] }).toEqual({ status: 401, body, challenge });
}

test('no token: 401 Unauthorized with a bare Bearer challenge', async () => {
  expectRejected(await call(), { message: 'Unauthorized' }, 'Bearer');
  expectRejected(await call({ Authorization: 'Basic dXNlcjpwYXNz' }), { message: 'Unauthorized' }, 'Bearer');
  expectRejected(await call({ Authorization: 'Bearer' }), { message: 'Unauthorized' }, 'Bearer');
});

test('a token anywhere but the Authorization header is not read', async () => {
  expectRejected(await call({}, `${PROTECTED}?jwt=${token()}`), { message: 'Unauthorized' }, 'Bearer');
  expectRejected(await call({ Cookie: `jwt=${token()}` }), { message: 'Unauthorized' }, 'Bearer');
});

test('malformed tokens: Bad token; invalid JSON', async () => {
  for (const malformed of ['abc', 'a.b', `${b64({ alg: 'HS256' })}.not-json!.sig`, `${b64({ alg: 'HS256' })}..sig`]) {
    expectRejected(await bearer(malformed), { message: 'Bad token; invalid JSON' });
  }
});

test('alg none or unknown: Bad token; invalid alg', async () => {
  const claims = b64({ iss: client.credential.key, exp: now() + 600 });
  expectRejected(await bearer(`${b64({ alg: 'none', typ: 'JWT' })}.${claims}.`), { message: 'Bad token; invalid alg' });
  expectRejected(await bearer(`${b64({ typ: 'JWT' })}.${claims}.sig`), { message: 'Bad token; invalid alg' });
});

test('an undecodable signature: Bad token; invalid signature', async () => {
  const [header, claims] = token().split('.');
  expectRejected(await bearer(`${header}.${claims}.not+base64url`), { message: 'Bad token; invalid signature' });
});

test('missing, empty or unknown iss', async () => {
  const noIss = jwt.sign({ exp: now() + 600 }, client.credential.secret, { noTimestamp: true });
  expectRejected(await bearer(noIss), { message: "No mandatory 'iss' in claims" });
  expectRejected(await bearer(token({ iss: '' })), { message: "Invalid 'iss' in claims" });
  expectRejected(await bearer(token({ iss: 'no-such-key' })), { message: "No credentials found for given 'iss'" });
});

test('a token signed with another algorithm than the credential\'s: Invalid algorithm', async () => {
  expectRejected(await bearer(token({}, client.credential.secret, 'HS512')), { message: 'Invalid algorithm' });
});

test('a wrong signature: Invalid signature', async () => {
  expectRejected(await bearer(token({}, 'not-the-secret')), { message: 'Invalid signature' });
  const [header, claims, signature] = token().split('.');
  const tampered = b64({ ...JSON.parse(Buffer.from(claims, 'base64url').toString()), sub: 'admin' });
  expectRejected(await bearer(`${header}.${tampered}.${signature}`), { message: 'Invalid signature' });
});

test('exp is verified: missing, not a number, or past', async () => {
  const noExp = jwt.sign({ iss: client.credential.key }, client.credential.secret, { noTimestamp: true });
  expectRejected(await bearer(noExp), { exp: 'must be a number' });
  expectRejected(await bearer(handMade({ iss: client.credential.key, exp: 'tomorrow' })), { exp: 'must be a number' });
  expectRejected(await bearer(token({ exp: now() - 1 })), { exp: 'token expired' });
});

test('a lifetime over maximum_expiration (3600 s) is refused', async () => {
  expectRejected(await bearer(token({ exp: now() + 7200 })), { exp: 'exceeds maximum allowed expiration' });
});

test('a valid token reaches the upstream with the consumer\'s headers, Authorization unchanged', async () => {
  const value = token();
  const reply = await bearer(value);
  expect(reply.status).toBe(200);
  const { headers } = reply.body as Echoed;
  expect(headers).toMatchObject({
    'x-consumer-id': client.consumer.id,
    'x-consumer-username': client.consumer.username,
    'x-consumer-custom-id': 'crm-1',
    'x-credential-identifier': client.credential.key,
    authorization: `Bearer ${value}`,
  });
  expect(headers['x-anonymous-consumer']).toBeUndefined();
});

test('client-sent consumer headers are replaced or removed', async () => {
  const plain = await createClient(target); // no custom_id
  const value = jwt.sign({ iss: plain.credential.key, exp: now() + 600 }, plain.credential.secret);
  const reply = await call({
    Authorization: `Bearer ${value}`,
    'X-Consumer-ID': 'spoofed',
    'X-Consumer-Username': 'admin',
    'X-Consumer-Custom-ID': 'spoofed',
    'X-Credential-Identifier': 'spoofed',
    'X-Anonymous-Consumer': 'true',
  });
  expect(reply.status).toBe(200);
  const { headers } = reply.body as Echoed;
  expect(headers['x-consumer-id']).toBe(plain.consumer.id);
  expect(headers['x-consumer-username']).toBe(plain.consumer.username);
  expect(headers['x-credential-identifier']).toBe(plain.credential.key);
  expect(headers['x-consumer-custom-id']).toBeUndefined();
  expect(headers['x-anonymous-consumer']).toBeUndefined();
});

test('only the first Authorization header counts', async () => {
  expect((await call({ Authorization: [`Bearer ${token()}`, 'Bearer garbage'] })).status).toBe(200);
  expectRejected(await call({ Authorization: ['Bearer garbage', `Bearer ${token()}`] }), { message: 'Bad token; invalid JSON' });
});

test('asymmetric credentials: RS256 and ES256 tokens verify against the stored public key', async () => {
  const keyPairs: [jwt.Algorithm, () => KeyPairKeyObjectResult][] = [
    ['RS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['ES256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
  ];
  for (const [algorithm, generate] of keyPairs) {
    const { publicKey, privateKey } = generate();
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const { credential } = await createClient(target, {}, { algorithm, rsa_public_key: pem });
    const claims = { iss: credential.key, exp: now() + 600 };
    expect([algorithm, (await bearer(jwt.sign(claims, privateKey, { algorithm }))).status]).toEqual([algorithm, 200]);
    expectRejected(await bearer(jwt.sign(claims, generate().privateKey, { algorithm })), { message: 'Invalid signature' });
  }
});

test('tokens stop working when the credential or the consumer is deleted', async () => {
  const doomed = await createClient(target);
  const value = jwt.sign({ iss: doomed.credential.key, exp: now() + 600 }, doomed.credential.secret);
  expect((await bearer(value)).status).toBe(200);
  expect((await admin(target, 'DELETE', `/consumers/${doomed.consumer.id}`)).status).toBe(204);
  expectRejected(await bearer(value), { message: "No credentials found for given 'iss'" });

  const revoked = await createClient(target);
  const revokedToken = jwt.sign({ iss: revoked.credential.key, exp: now() + 600 }, revoked.credential.secret);
  expect((await bearer(revokedToken)).status).toBe(200);
  expect((await admin(target, 'DELETE', `/jwts/${revoked.credential.id}`)).status).toBe(204);
  expectRejected(await bearer(revokedToken), { message: "No credentials found for given 'iss'" });
});
