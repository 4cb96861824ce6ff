import type { AccessTokenProfile } from '../../../lib/tokens/access-tokens';

/** The issuer, audience and first-party grant of the unit tests' access tokens, as lib/composition makes them from the settings. */
export const ISSUER = 'https://auth.example.test';
export const AUDIENCE = `${ISSUER}/api`;
export const ACCESS_TOKEN_PROFILE: AccessTokenProfile = {
  issuer: ISSUER,
  audience: [AUDIENCE],
  firstParty: { clientId: 'first-party', scope: 'openid profile email' },
};
