/**
 * Every error code a client may see, with its HTTP status and the message it
 * carries unless a more precise one is given (a field's validation, a
 * password rule): the one catalogue, as jose's error codes are. Codes are
 * stable and machine-readable (the OAuth 2.0 / RFC 6750 name where one
 * exists); openapi.yaml's documented codes and docs/errors.md are checked
 * against it (test/unit/platform/error-codes.test.ts).
 */
export const ERROR_CODES = {
  invalid_request: { status: 400, message: 'Invalid request', when: 'a body, form or query that does not parse or validate' },
  weak_password: { status: 400, message: 'The password is too weak', when: 'sign-up and password change: a new password the rules refuse' },
  unsupported_grant_type: { status: 400, message: 'grant_type must be refresh_token', when: 'refresh: an OAuth form with another grant_type' },
  invalid_scope: { status: 400, message: 'Unknown scope: the service grants openid, profile and email', when: 'the token and authorization endpoints: a scope not offered' },
  unauthorized_client: { status: 400, message: 'The client may not use this grant', when: 'the token endpoint: password by a third-party client, client_credentials by a public one' },
  unsupported_token_type: {
    status: 400,
    message: 'Only refresh tokens can be revoked; an access token ends with its session (logout)',
    when: 'revoke: an access token',
  },
  invalid_reset_token: {
    status: 400,
    message: 'The password reset link is invalid, used or expired: ask for a new one',
    when: 'password reset: a token unknown, malformed, used, expired, or issued before the password last changed',
  },
  invalid_verification_token: {
    status: 400,
    message: 'The verification link is invalid, used or expired: ask for a new one',
    when: 'email verification: a token unknown, malformed, used or expired, or for an address the account no longer has',
  },
  invalid_credentials: { status: 401, message: 'Invalid username or password', when: 'sign-in: an unknown user or a wrong password, alike' },
  invalid_grant: { status: 401, message: 'Invalid or expired refresh token', when: 'refresh: a refresh token unknown, expired, consumed or revoked' },
  invalid_token: { status: 401, message: 'Unauthorized', when: 'protected routes and the profile service: a missing, forged, expired or revoked token' },
  invalid_client: { status: 401, message: 'Unauthorized', when: 'introspection reached without the key Kong checks' },
  invalid_code: { status: 401, message: 'Invalid code', when: 'second factors: a wrong, expired or already used TOTP or recovery code' },
  invalid_mfa_token: { status: 401, message: 'Invalid or expired mfa_token: sign in again', when: 'second-factor sign-in: an mfa_token unknown, expired, used or out of tries' },
  invalid_passkey: {
    status: 401,
    message: 'The passkey was not accepted: try again',
    when: "passkeys: a registration or sign-in response that does not verify, an unknown credential, an unknown, used or expired challenge; as a sign-in's second step, another account's passkey",
  },
  login_required: { status: 401, message: 'Please sign in', when: 'browser sessions: no live session' },
  incorrect_password: { status: 403, message: 'Current password is incorrect', when: 'password change and account deletion: a wrong current password' },
  account_disabled: { status: 403, message: 'This account is disabled', when: 'sign-in and browser login: the right password for an account an operator disabled; a password reset link of such an account' },
  forbidden: { status: 403, message: 'Forbidden', when: 'the admin API reached without an operator of the auth-admins group' },
  mfa_required: {
    status: 403,
    message: 'A second factor is required',
    when: 'sign-in with a right password for an account with a second factor (with mfa_token and methods); a sensitive change without a recent second factor',
  },
  cross_site_request: { status: 403, message: 'Cross-site request refused', when: 'a cookie-authenticated change from another origin' },
  email_not_verified: {
    status: 403,
    message: 'Verify your email address first: the link is in the mail we sent',
    when: 'sign-in with REQUIRE_VERIFIED_EMAIL=true: the account has no verified address',
  },
  not_found: { status: 404, message: 'Not found', when: 'a session that is not the caller’s to end, an unknown asset' },
  user_not_found: { status: 404, message: 'No such user', when: 'the admin API: no account of that name' },
  profile_not_found: { status: 404, message: 'No profile yet: create it with POST', when: 'the profile service, before a profile is made' },
  username_taken: { status: 409, message: 'Username is already taken', when: 'sign-up: the name belongs to an account' },
  profile_exists: { status: 409, message: 'The profile already exists: change it with PUT', when: 'the profile service: creating a second profile' },
  totp_enabled: { status: 409, message: 'TOTP is already on: turn it off first', when: 'TOTP enrolment while TOTP is on' },
  conflict: { status: 409, message: 'The password was changed concurrently', when: 'a concurrent change won' },
  too_many_attempts: { status: 429, message: 'Too many failed attempts: try again later', when: 'sign-in, password change, sign-up: backoff or a blocked address, with Retry-After' },
  server_error: { status: 500, message: 'Internal server error', when: 'anything unexpected' },
  temporarily_unavailable: {
    status: 503,
    message: 'Service temporarily unavailable, please retry',
    when: 'a dependency failed or timed out, or the function sheds load before its timeout (with Retry-After)',
  },
} as const satisfies Record<string, { status: number; message: string; when: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
