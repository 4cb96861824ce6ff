import * as v from 'valibot';
import { object, requiredString } from '../platform/schemas';

const base64url = (max: number) => v.pipe(requiredString(), v.maxLength(max, 'is too long'), v.regex(/^[A-Za-z0-9_-]+$/, 'must be base64url'));

/**
 * A WebAuthn AuthenticationResponseJSON (what @simplewebauthn/browser's
 * startAuthentication answers): its shape checked here, so that a malformed
 * one is a 400; its meaning is checked by @simplewebauthn/server.
 */
export const authenticationResponse = v.looseObject({
  id: base64url(1400),
  rawId: base64url(1400),
  type: v.literal('public-key', 'must be public-key'),
  response: v.looseObject({
    clientDataJSON: base64url(4096),
    authenticatorData: base64url(4096),
    signature: base64url(1024),
    userHandle: v.optional(v.pipe(v.string(), v.maxLength(256, 'is too long'))),
  }),
  clientExtensionResults: v.optional(v.record(v.string(), v.unknown()), {}),
  authenticatorAttachment: v.optional(v.string()),
});

/** POST /api/public/passkey/verify. */
export const passkeyVerifyBody = object({ response: authenticationResponse });
