import * as v from 'valibot';
import { object, string } from '../platform/schemas';
import { authenticationResponse, registrationResponse } from './schemas';

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
