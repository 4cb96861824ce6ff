// The auth service's identity-token signer: what the browser-session flows and the JWKS route use.
// Read on first use, so that only the functions that sign or publish keys need the key.
import { readString } from '../platform/env';
import { Es256IdentityTokenSigner, signingKeyFromEnv, type IdentityTokenSigner } from './signer';

export * from './signer';

/** The `iss` of identity tokens; services behind the gateway expect exactly this. */
export const identityIssuer = (): string => readString(process.env, 'IDENTITY_TOKEN_ISSUER', 'kong-lambda-auth');

let shared: IdentityTokenSigner | undefined;
export const identityTokens = (): IdentityTokenSigner =>
  (shared ??= new Es256IdentityTokenSigner(signingKeyFromEnv(process.env), identityIssuer()));
