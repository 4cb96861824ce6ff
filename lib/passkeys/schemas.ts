import * as v from 'valibot';
import { object, requiredString, string } from '../platform/schemas';

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

/**
 * A WebAuthn RegistrationResponseJSON (what @simplewebauthn/browser's
 * startRegistration answers): its shape checked here, its meaning by
 * @simplewebauthn/server.
 */
export const registrationResponse = v.looseObject({
  id: base64url(1400),
  rawId: base64url(1400),
  type: v.literal('public-key', 'must be public-key'),
  response: v.looseObject({
    clientDataJSON: base64url(4096),
    attestationObject: base64url(16384),
    transports: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(32, 'is too long'))), v.maxLength(10, 'has too many items'))),
  }),
  clientExtensionResults: v.optional(v.record(v.string(), v.unknown()), {}),
  authenticatorAttachment: v.optional(v.string()),
});

/** A passkey's name as the user gives it (control characters are dropped by Passkeys). */
const passkeyName = v.pipe(string(), v.nonEmpty('is required'), v.maxLength(64, 'is at most 64 characters'));

/** POST /api/jwt/passkeys. */
export const passkeyRegisterBody = object({ response: registrationResponse, name: v.optional(passkeyName) });

/** PATCH /api/jwt/passkeys/{id}. */
export const passkeyRenameBody = object({ name: passkeyName });
