import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, createRemoteJWKSet, SignJWT } from 'jose';
import * as v from 'valibot';
import { Es256IdentityTokenSigner } from '../support/identity-token-signer';
import type { Event } from '../../../lib/platform/http';
import { IdentityVerifier } from '../../../lib/profiles/identity';
import { Profiles, fieldsOf } from '../../../lib/profiles/profiles';
import { profileBody } from '../../../lib/profiles/schemas';
import { MemoryProfileStore } from '../support/memory-browser-stores';

const ec = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const signer = new Es256IdentityTokenSigner(ec(), 'kong-lambda-auth');
const stranger = new Es256IdentityTokenSigner(ec(), 'kong-lambda-auth');
let verifier: IdentityVerifier;
beforeAll(async () => {
  verifier = new IdentityVerifier({ keys: createLocalJWKSet(await signer.jwks()), issuer: 'kong-lambda-auth', audience: 'userprofile' });
});

const ALICE = { sub: 'alice', uid: 'account-1', email: 'alice@example.com', given_name: 'José' };
const event = (headers: Record<string, string>) => ({ headers }) as unknown as Event;
/** What forward-auth hands on for a live session. */
const fromGateway = async (claims = ALICE, headers: Record<string, string> = {}) =>
  event({
    authorization: `Bearer ${await signer.sign(claims, 'userprofile', 60)}`,
    'x-user': claims.sub,
    'x-email': claims.email,
    'x-first-name': encodeURIComponent(claims.given_name),
    ...headers,
  });
const UNAUTHORIZED = { status: 401, code: 'invalid_token' };

describe('who the caller is', () => {
  it('is the identity token the gateway obtained, headers agreeing', async () => {
    expect(await verifier.identify(await fromGateway())).toEqual({ accountId: 'account-1', username: 'alice', email: 'alice@example.com', firstName: 'José' });
  });

  it('is nobody with forged identity headers and no token', async () => {
    const forged = event({ 'x-user': 'alice', 'x-email': 'alice@example.com', 'x-first-name': 'Jos%C3%A9' });
    await expect(verifier.identify(forged)).rejects.toMatchObject(UNAUTHORIZED);
    await expect(verifier.identify(event({ ...forged.headers, authorization: 'Bearer forged.token.here' }))).rejects.toMatchObject(UNAUTHORIZED);
  });

  it.each([
    ['X-User', { 'x-user': 'bob' }],
    ['X-Email', { 'x-email': 'bob@example.com' }],
    ['X-First-Name', { 'x-first-name': 'Bob' }],
    ['X-First-Name, badly encoded', { 'x-first-name': '%E0%A4%A' }],
  ])('refuses a valid token whose %s disagrees with it', async (_, headers) => {
    await expect(verifier.identify(await fromGateway(ALICE, headers))).rejects.toMatchObject(UNAUTHORIZED);
  });

  it('refuses a token for another audience, from another key, expired, or signed otherwise', async () => {
    const claims = { ...ALICE };
    const tokens = [
      await signer.sign(claims, 'billing', 60),
      await stranger.sign(claims, 'userprofile', 60),
      await signer.sign(claims, 'userprofile', -10),
      await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer('kong-lambda-auth').setAudience('userprofile').setIssuedAt().setExpirationTime('1m').sign(new TextEncoder().encode('a shared secret of 32 bytes!!!!!')),
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, aud: 'userprofile', iss: 'kong-lambda-auth' })).toString('base64url')}.`,
    ];
    for (const token of tokens) {
      await expect(verifier.identify(event({ authorization: `Bearer ${token}`, 'x-user': 'alice' }))).rejects.toMatchObject(UNAUTHORIZED);
    }
  });

  it('refuses a token of another type from the very issuer and key, even for this audience: an access token (at+jwt), an ID token (JWT), none', async () => {
    const key = ec();
    const own = new Es256IdentityTokenSigner(key, 'kong-lambda-auth');
    const { kid } = (await own.jwks()).keys[0];
    const strict = new IdentityVerifier({ keys: createLocalJWKSet(await own.jwks()), issuer: 'kong-lambda-auth', audience: 'userprofile' });
    const typed = (typ: string | undefined) =>
      new SignJWT({ ...ALICE })
        .setProtectedHeader(typ === undefined ? { alg: 'ES256', kid } : { alg: 'ES256', kid, typ })
        .setIssuer('kong-lambda-auth')
        .setAudience('userprofile')
        .setIssuedAt()
        .setExpirationTime('1m')
        .sign(key);
    const headers = { 'x-user': 'alice' };
    await expect(strict.identify(event({ authorization: `Bearer ${await typed('identity+jwt')}`, ...headers }))).resolves.toMatchObject({ username: 'alice' });
    for (const typ of ['at+jwt', 'JWT', undefined]) {
      await expect(strict.identify(event({ authorization: `Bearer ${await typed(typ)}`, ...headers }))).rejects.toMatchObject(UNAUTHORIZED);
    }
  });

  it('refuses a token that lacks the account id', async () => {
    const token = await signer.sign({ sub: 'alice' } as never, 'userprofile', 60);
    await expect(verifier.identify(event({ authorization: `Bearer ${token}` }))).rejects.toMatchObject(UNAUTHORIZED);
  });

  it('answers 503, not 401, when the identity provider\'s keys cannot be fetched', async () => {
    const server: Server = createServer((_, res) => res.writeHead(500).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const remote = new IdentityVerifier({
        keys: createRemoteJWKSet(new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`)),
        issuer: 'kong-lambda-auth',
        audience: 'userprofile',
      });
      await expect(remote.identify(await fromGateway())).rejects.toMatchObject({ status: 503, code: 'temporarily_unavailable', dependency: 'identity-keys' });
    } finally {
      server.close();
    }
  });
});

describe('profiles', () => {
  const alice = { accountId: 'account-1', username: 'alice', email: 'alice@example.com', firstName: 'Alice' };
  const fields = { displayName: 'Al', bio: '', location: 'Paris', website: '' };

  it('creates once, reads and replaces the caller\'s own profile, identity fields from the identity', async () => {
    const profiles = new Profiles(new MemoryProfileStore());
    await expect(profiles.get(alice)).rejects.toMatchObject({ status: 404, code: 'profile_not_found' });
    await expect(profiles.update(alice, fields)).rejects.toMatchObject({ status: 404, code: 'profile_not_found' });
    expect(await profiles.create(alice, fields)).toMatchObject({ username: 'alice', email: 'alice@example.com', first_name: 'Alice', display_name: 'Al', location: 'Paris' });
    await expect(profiles.create(alice, fields)).rejects.toMatchObject({ status: 409, code: 'profile_exists' });
    expect(await profiles.update({ ...alice, email: 'new@example.com' }, { ...fields, displayName: 'Ali' })).toMatchObject({ email: 'new@example.com', display_name: 'Ali' });
    expect(await profiles.get(alice)).toMatchObject({ display_name: 'Ali', location: 'Paris' });
  });

  it('keeps profiles apart by account id: a new account under a reused name starts with none', async () => {
    const profiles = new Profiles(new MemoryProfileStore());
    await profiles.create(alice, fields);
    await expect(profiles.get({ ...alice, accountId: 'account-2' })).rejects.toMatchObject({ code: 'profile_not_found' });
  });

  it('takes only the editable fields, within their limits', () => {
    const parse = (body: object) => v.safeParse(profileBody, body);
    const ok = parse({ display_name: ' Al ', bio: 'line one\nline two', website: 'https://al.example' });
    expect(ok.success && fieldsOf(ok.output)).toEqual({ displayName: 'Al', bio: 'line one\nline two', location: '', website: 'https://al.example' });
    for (const body of [
      { display_name: '' },
      { display_name: 'x'.repeat(65) },
      { display_name: 'Al', bio: 'x'.repeat(501) },
      { display_name: 'Al', location: 'a\nb' },
      { display_name: 'Al', website: 'javascript:alert(1)' },
      { display_name: 'Al', website: 'not a url' },
      { display_name: 'Al', username: 'bob' },
      { display_name: 'Al', email: 'bob@example.com' },
    ]) {
      expect(parse(body).success).toBe(false);
    }
  });
});
