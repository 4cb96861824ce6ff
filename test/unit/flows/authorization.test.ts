import type { BrowserSession } from '../../../lib/browser-sessions/session';
import { authenticationOf } from '../../../lib/flows/authentication';
import { authorizationFlow, type AuthorizationParams } from '../../../lib/flows/authorization';
import { InMemoryAuthorizationCodeStore } from '../../../lib/oauth-clients/codes';
import { InMemoryConsentStore } from '../../../lib/oauth-clients/consents';
import { OAuthClients } from '../../../lib/oauth-clients/registry';
import { InMemoryOAuthClientStore } from '../../../lib/oauth-clients/store';

const ISSUER = 'https://auth.example.test';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

async function setup(firstParty = false) {
  const clients = new OAuthClients(new InMemoryOAuthClientStore());
  const { client } = await clients.register({ name: 'App', redirectUris: ['https://app.example.test/cb'], firstParty });
  const authorize = authorizationFlow({ oauthClients: clients, codes: new InMemoryAuthorizationCodeStore(), consents: new InMemoryConsentStore(), issuer: ISSUER });
  const params: AuthorizationParams = {
    client_id: client.id, redirect_uri: 'https://app.example.test/cb', response_type: 'code', scope: 'openid email',
    code_challenge: CHALLENGE, code_challenge_method: 'S256', state: 'st', nonce: 'n',
  };
  return { authorize, params };
}

const session = { accountId: 'acc-1', username: 'ada', createdAt: Math.floor(Date.now() / 1000) - 10 } as BrowserSession;

it('shows a page, never redirects, for an unknown client or an unregistered redirect URI', async () => {
  const { authorize, params } = await setup();
  for (const redirect_uri of ['https://evil.example.test/cb', 'https://app.example.test/cb/', 'https://app.example.test/cb?x=1', undefined]) {
    expect((await authorize({ ...params, redirect_uri }, session)).kind).toBe('error-page');
  }
  expect((await authorize({ ...params, client_id: 'nobody' }, session)).kind).toBe('error-page');
});

it('sends later errors to the redirect URI with state and iss: no PKCE, another response type', async () => {
  const { authorize, params } = await setup();
  const noPkce = await authorize({ ...params, code_challenge_method: 'plain' }, session);
  expect(noPkce.kind === 'redirect' && Object.fromEntries(new URL(noPkce.location).searchParams)).toMatchObject({ error: 'invalid_request', state: 'st', iss: ISSUER });
  const token = await authorize({ ...params, response_type: 'token' }, session);
  expect(token.kind === 'redirect' && new URL(token.location).searchParams.get('error')).toBe('unsupported_response_type');
});

it('sends a browser without a session to sign in, and answers login_required to prompt=none', async () => {
  const { authorize, params } = await setup();
  const outcome = await authorize(params, undefined);
  expect(outcome.kind).toBe('signin');
  expect(outcome.kind === 'signin' && outcome.next).toMatch(/^\/oauth2\/authorize\?.*login_after=\d+/);
  const none = await authorize({ ...params, prompt: 'none' }, undefined);
  expect(none.kind === 'redirect' && new URL(none.location).searchParams.get('error')).toBe('login_required');
  // prompt=login: a sign-in made before the request does not count.
  expect((await authorize({ ...params, prompt: 'login' }, session)).kind).toBe('signin');
  expect((await authorize({ ...params, max_age: '1' }, session)).kind).toBe('signin');
});

it('asks a third-party client consent once, and remembers it', async () => {
  const { authorize, params } = await setup();
  expect((await authorize(params, session)).kind).toBe('consent');
  const denied = await authorize(params, session, 'deny');
  expect(denied.kind === 'redirect' && new URL(denied.location).searchParams.get('error')).toBe('access_denied');
  const allowed = await authorize(params, session, 'allow');
  expect(allowed.kind === 'redirect' && new URL(allowed.location).searchParams.get('code')).toBeTruthy();
  expect((await authorize(params, session)).kind).toBe('redirect');
  expect((await authorize({ ...params, scope: 'openid profile' }, session)).kind).toBe('consent');
});

it('skips consent for a first-party client', async () => {
  const { authorize, params } = await setup(true);
  const outcome = await authorize(params, session);
  expect(outcome.kind === 'redirect' && Object.fromEntries(new URL(outcome.location).searchParams)).toMatchObject({ code: expect.any(String), state: 'st', iss: ISSUER });
});

it('takes amr and auth_time from the session, a password sign-in at its start when it records none', () => {
  expect(authenticationOf({ createdAt: 100 })).toEqual({ authTime: 100, amr: ['pwd'] });
  expect(authenticationOf({ createdAt: 100, amr: ['pwd', 'otp'], authTime: 120 })).toEqual({ authTime: 120, amr: ['pwd', 'otp'] });
});
