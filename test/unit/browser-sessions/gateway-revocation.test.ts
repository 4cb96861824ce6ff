/**
 * What the session functions tell the gateway's forward-auth plugin
 * (docs/forward-auth.md), and kong.yml's session cookie check held to what
 * lib/browser-sessions issues: a cookie the service could have issued must
 * never be refused at the gateway, and the names must agree.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REVOKE_HEADER, revokedSession, revokedUser } from '../../../lib/browser-sessions/gateway-revocation';
import { sessionCookieName } from '../../../lib/browser-sessions/cookie';
import { deckEnv } from '../../../scripts/stack/gateway';
import { hashSessionId, newSessionId } from '../../../lib/browser-sessions/session';

describe('the revoke header', () => {
  it('names a logged-out session by the SHA-256 the store keeps, never by its id', () => {
    const { id, hash } = newSessionId('ada');
    expect(revokedSession(id)).toEqual({ [REVOKE_HEADER]: `session=${hash}` });
    expect(hash).toBe(hashSessionId(id));
    expect(JSON.stringify(revokedSession(id))).not.toContain(id.split('.')[1]);
  });

  it('names nothing for a missing or malformed id', () => {
    expect(revokedSession(undefined)).toEqual({});
    expect(revokedSession('junk')).toEqual({});
    expect(revokedSession(`ada.${'A'.repeat(42)}!`)).toEqual({});
  });

  it('names the user after sign-out everywhere or a password change', () => {
    expect(revokedUser('ada')).toEqual({ 'X-Forward-Auth-Revoke': 'user=ada' });
  });
});

describe("kong.yml's forward-auth session cookie check", () => {
  const yml = readFileSync(path.join(__dirname, '..', '..', '..', 'kong', 'kong.yml'), 'utf8');
  const values = (field: string) => [...yml.matchAll(new RegExp(`^\\s+${field}: (\\S+)$`, 'gm'))].map((m) => m[1]);

  it('names the cookie the service sets, and hides it from every route it checks', () => {
    const named = [...yml.matchAll(/^\s+session_cookie: (.*)$/gm)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    // The name the functions use: __Host- prefixed where Secure (deploying.md), bare on the local stack.
    expect(new Set(named)).toEqual(new Set(['${{ env "DECK_SESSION_COOKIE" }}']));
    expect(deckEnv({
      lambdaPort: 3002, proxyPort: 8000, sessionCacheTtlSeconds: 5,
      rateLimits: { public: 60, protected: 600, password: 10, introspect: 1200, browser: 300 },
      rateLimitPolicy: { policy: 'local' }, corsOrigins: [],
    }).DECK_SESSION_COOKIE).toBe(sessionCookieName(false));
    expect(readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'deploying.md'), 'utf8')).toContain(`DECK_SESSION_COOKIE=${sessionCookieName(true)}`);
    // Each check is followed by hide_credentials: true (comment lines may come between).
    const hidden = [...yml.matchAll(/^\s+session_cookie_max_length: \d+\n(?:\s+#.*\n)*\s+hide_credentials: true$/gm)];
    expect(hidden.length).toBe(named.length);
  });

  it('lets through every length of id the service issues (usernames of 3 to 32 characters), and no more', () => {
    const shortest = newSessionId('abc').id.length;
    const longest = newSessionId('a'.repeat(32)).id.length;
    expect(new Set(values('session_cookie_min_length'))).toEqual(new Set([String(shortest)]));
    expect(new Set(values('session_cookie_max_length'))).toEqual(new Set([String(longest)]));
    for (const { id } of [newSessionId('abc'), newSessionId('a'.repeat(32)), newSessionId('a_b-c9')]) expect(id).toMatch(/^[A-Za-z0-9._-]+$/);
  });
});
