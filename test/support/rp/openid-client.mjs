// A relying party as openid-client 6 makes one, from the discovery document
// alone (ESM-only, so run by `node`, not jest). Two phases around the
// browser, which test/e2e/oidc-browser.test.ts drives:
//   start:  the authorization URL (PKCE S256, state, nonce), and the secrets the RP keeps
//   finish: the callback URL → code grant (ID token, nonce and state checked), userinfo,
//           refresh, and the end-session URL
import * as client from 'openid-client';

const input = JSON.parse(process.argv[2]);
const config = await client.discovery(new URL(input.issuer), input.clientId, input.clientSecret, undefined, { execute: [client.allowInsecureRequests] });

if (input.phase === 'start') {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: input.redirectUri,
    scope: input.scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  console.log(JSON.stringify({ url: url.href, verifier, state, nonce }));
} else {
  const tokens = await client.authorizationCodeGrant(config, new URL(input.callbackUrl), {
    pkceCodeVerifier: input.verifier,
    expectedState: input.state,
    expectedNonce: input.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  const endSessionUrl = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token, post_logout_redirect_uri: input.postLogoutRedirectUri, state: 'bye-state' });
  console.log(
    JSON.stringify({
      claims,
      tokens: { access_token: tokens.access_token, id_token: tokens.id_token, refresh_token: tokens.refresh_token, scope: tokens.scope },
      userinfo,
      refreshed: { access_token: refreshed.access_token, refresh_token: refreshed.refresh_token, scope: refreshed.scope },
      endSessionUrl: endSessionUrl.href,
    }),
  );
}
