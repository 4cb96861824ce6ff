// The token endpoint as oauth4webapi (ESM-only, so run by `node`, not jest)
// sees it, following the discovery document alone. Input: one JSON argument;
// output: one JSON line of what each step got, for test/e2e/oauth-token.test.ts to judge.
import * as oauth from 'oauth4webapi';

const input = JSON.parse(process.argv[2]);
const issuer = new URL(input.issuer);
const insecure = { [oauth.allowInsecureRequests]: true };

/** What a step ended in: its result, or the error oauth4webapi raised (its class, the OAuth error, the status). */
async function outcome(step) {
  try {
    return { ok: await step() };
  } catch (error) {
    return { error: { name: error.name, code: error.code, error: error.error, error_description: error.error_description, status: error.status } };
  }
}

const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...insecure, algorithm: 'oidc' }));
const firstParty = { client_id: input.firstParty.id };
const basic = oauth.ClientSecretBasic(input.firstParty.secret);
const post = oauth.ClientSecretPost(input.firstParty.secret);

const password = (client, auth, username, pass) => async () =>
  oauth.processGenericTokenEndpointResponse(
    as,
    client,
    await oauth.genericTokenEndpointRequest(as, client, auth, 'password', new URLSearchParams({ username, password: pass, scope: 'openid profile' }), insecure),
  );

const result = {};
result.discovery = { token_endpoint: as.token_endpoint, grant_types_supported: as.grant_types_supported };
result.password = await outcome(password(firstParty, basic, input.username, input.password));
result.refresh = await outcome(async () =>
  oauth.processRefreshTokenResponse(as, firstParty, await oauth.refreshTokenGrantRequest(as, firstParty, post, result.password.ok.refresh_token, insecure)),
);
// The first refresh token again, after its rotation's grace: reuse (here: within the grace, the same successor).
result.wrongPassword = await outcome(password(firstParty, basic, input.username, `${input.password}x`));
result.thirdPartyPassword = await outcome(password({ client_id: input.thirdParty.id }, oauth.ClientSecretBasic(input.thirdParty.secret), input.username, input.password));
result.wrongSecret = await outcome(password(firstParty, oauth.ClientSecretBasic(`${input.firstParty.secret}x`), input.username, input.password));
result.unknownClient = await outcome(password({ client_id: 'no-such-client' }, oauth.None(), input.username, input.password));
result.refreshByOtherClient = await outcome(async () => {
  const client = { client_id: input.thirdParty.id };
  return oauth.processRefreshTokenResponse(
    as,
    client,
    await oauth.refreshTokenGrantRequest(as, client, oauth.ClientSecretBasic(input.thirdParty.secret), result.refresh.ok.refresh_token, insecure),
  );
});
result.clientCredentials = await outcome(async () => {
  const client = { client_id: input.thirdParty.id };
  return oauth.processClientCredentialsResponse(
    as,
    client,
    await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretPost(input.thirdParty.secret), new URLSearchParams(), insecure),
  );
});
result.publicClientCredentials = await outcome(async () => {
  const client = { client_id: input.publicClient.id };
  return oauth.processClientCredentialsResponse(as, client, await oauth.clientCredentialsGrantRequest(as, client, oauth.None(), new URLSearchParams(), insecure));
});
result.unsupportedGrant = await outcome(async () =>
  oauth.processGenericTokenEndpointResponse(
    as,
    firstParty,
    await oauth.genericTokenEndpointRequest(as, firstParty, basic, 'urn:ietf:params:oauth:grant-type:device_code', new URLSearchParams({ device_code: 'x' }), insecure),
  ),
);
// RFC 7662 from the discovery document alone, as a resource server registered as a confidential client.
const resourceServer = { client_id: input.thirdParty.id };
const introspect = (client, auth, token) => async () =>
  oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, token, insecure));
result.discovery.introspection_endpoint = as.introspection_endpoint;
result.introspectAccess = await outcome(introspect(resourceServer, oauth.ClientSecretBasic(input.thirdParty.secret), result.refresh.ok.access_token));
result.introspectRefresh = await outcome(introspect(resourceServer, oauth.ClientSecretPost(input.thirdParty.secret), result.refresh.ok.refresh_token));
result.introspectWrongSecret = await outcome(introspect(resourceServer, oauth.ClientSecretPost(`${input.thirdParty.secret}x`), result.refresh.ok.access_token));
result.introspectPublic = await outcome(introspect({ client_id: input.publicClient.id }, oauth.None(), result.refresh.ok.access_token));
result.revocation = await outcome(async () => {
  await oauth.processRevocationResponse(await oauth.revocationRequest(as, firstParty, basic, result.refresh.ok.refresh_token, insecure));
  return 'revoked';
});
result.refreshAfterRevocation = await outcome(async () =>
  oauth.processRefreshTokenResponse(as, firstParty, await oauth.refreshTokenGrantRequest(as, firstParty, basic, result.refresh.ok.refresh_token, insecure)),
);
result.introspectAfterRevocation = {
  access: await outcome(introspect(resourceServer, oauth.ClientSecretBasic(input.thirdParty.secret), result.refresh.ok.access_token)),
  refresh: await outcome(introspect(resourceServer, oauth.ClientSecretBasic(input.thirdParty.secret), result.refresh.ok.refresh_token)),
};
console.log(JSON.stringify(result));
