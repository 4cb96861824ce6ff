// The identity the gateway hands on for a live browser session, signed with the service's keys.
// Built at import, so that a function without its signing key does not start.
import { browserConfig } from '../browser-sessions/config';
import { IdentityTokenCache } from '../browser-sessions/identity-cache';
import { browserIdentityFlow } from '../flows/browser';
import { identityTokenSigner } from '../identity-tokens/identity-tokens';
import { signingKeys } from './keys';

export const identityTokens = identityTokenSigner(signingKeys);
/** One per container: identity tokens reused while most of their minute is left (issue 27). */
export const identityTokenCache = new IdentityTokenCache();
export const identityOf = browserIdentityFlow({
  identityTokens,
  audience: browserConfig.identityAudience,
  ttlSeconds: browserConfig.identityTtlSeconds,
  cache: identityTokenCache,
});
