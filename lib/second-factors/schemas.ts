import * as v from 'valibot';
import { authenticationResponse } from '../passkeys/schemas';
import { object, requiredString, string } from '../platform/schemas';

const code = v.optional(v.pipe(string(), v.maxLength(16, 'is too long')));
const recoveryCode = v.optional(v.pipe(string(), v.maxLength(32, 'is too long')));
const oneCode = <T extends { code?: string; recovery_code?: string }>(body: T) => body.code === undefined || body.recovery_code === undefined;

/** A second factor given with a change: a TOTP code or a recovery code, not both; neither is for a session with a recent one. */
export const presentedCodeBody = v.pipe(object({ code, recovery_code: recoveryCode }), v.check(oneCode, 'give code or recovery_code, not both'));

/** POST /api/jwt/mfa/totp/confirm. */
export const confirmTotpBody = object({ code: v.pipe(requiredString(), v.maxLength(16, 'is too long')) });

/** POST /api/public/signin/mfa: the mfa_token of the first step and one code, or a passkey's assertion (for the mfa_required answer's passkey_options). */
export const signinMfaBody = v.pipe(
  object({
    mfa_token: v.pipe(requiredString(), v.maxLength(128, 'is too long')),
    code,
    recovery_code: recoveryCode,
    passkey: v.optional(authenticationResponse),
  }),
  v.check((body) => [body.code, body.recovery_code, body.passkey].filter((given) => given !== undefined).length === 1, 'give one of code, recovery_code or passkey'),
);
