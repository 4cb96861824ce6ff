import * as v from 'valibot';
import { object, string } from '../platform/schemas';
import { authenticationResponse } from './schemas';

const base64url = (max: number) => v.pipe(string(), v.nonEmpty('is required'), v.maxLength(max, 'is too long'), v.regex(/^[A-Za-z0-9_-]+$/, 'must be base64url'));

/**
 * A WebAuthn RegistrationResponseJSON (what @simplewebauthn/browser's
 * startRegistration answers): its shape checked here, so that a malformed
 * one is a 400; its meaning (challenge, origin, RP ID, flags) is checked by
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

/** POST /api/session/passkey/login: the assertion, and where the sign-in page was asked to go after. */
export const browserPasskeyLoginBody = object({
  response: authenticationResponse,
  next: v.optional(v.pipe(string(), v.maxLength(2048, 'is too long'))),
});

/** POST /api/session/passkeys: the registration response, and the name the user gave it (lib/passkeys cleans it). */
export const browserPasskeyRegisterBody = object({
  response: registrationResponse,
  name: v.optional(v.pipe(string(), v.maxLength(256, 'is too long'))),
});

/** POST /api/session/passkeys/options: the security page's code field (empty for a session with a recent second factor). */
export const browserPasskeyOptionsBody = object({
  code: v.optional(v.pipe(string(), v.maxLength(32, 'is too long'))),
});
