import path from 'node:path';
import { parseTrustedProxies } from './client-address';
import { readBoolean, readChoice, readInt, readList, readOptional, readSecret, readString, readUrl } from './env';

/**
 * The service's configuration, read from the environment once and checked here, so a
 * misconfigured deployment fails at cold start with a clear message instead
 * of misbehaving on some later request. Every setting goes through a reader of
 * ./env.ts, which records its default: docs/configuration.md is checked against them.
 */

/** kong/kong.yml's jwt `maximum_expiration`: the gateway refuses longer-lived tokens. */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 3600;

const env = process.env;

/**
 * In AWS Lambda proper: no loopback defaults there. Lambda sets
 * AWS_LAMBDA_FUNCTION_NAME (a reserved name no configuration can set), and
 * so do the two local runners, which say so: serverless-offline with
 * IS_OFFLINE, `sls invoke local` with IS_LOCAL. Packaging refuses either in a
 * function's environment (scripts/serverless/deploy-shape.js), so neither
 * reaches a deployed function.
 */
const deployed = Boolean(env.AWS_LAMBDA_FUNCTION_NAME) && !env.IS_OFFLINE && !env.IS_LOCAL;

/**
 * ES256 (the default) and RS256: the service signs with its own key and
 * publishes the public half (designs 001, 004); HS256: each user's Kong
 * secret signs (designs 000/002). docs/signing-keys.md says which to pick.
 */
const accessTokenAlgorithm = readChoice(env, 'ACCESS_TOKEN_ALGORITHM', ['ES256', 'RS256', 'HS256'] as const, 'ES256');

/**
 * A key file has no place in Lambda: its disk is neither durable nor shared, and nothing there is private.
 * Deployed, `kms-envelope` by default: KMS wraps each private key and a function unwraps it once, which
 * takes KMS off the per-token path (an ECC Sign per token was most of the service's bill, issue 27);
 * `kms` keeps every signature inside KMS for those who want no key in memory (docs/signing-keys.md).
 */
const signingKeyCustody = readChoice(env, 'SIGNING_KEY_CUSTODY', ['file', 'kms', 'kms-envelope'] as const, deployed ? 'kms-envelope' : 'file');
if (deployed && signingKeyCustody === 'file') throw new Error('Invalid configuration: SIGNING_KEY_CUSTODY=file is for local runs only');

const jwksCacheSeconds = readInt(env, 'JWKS_CACHE_SECONDS', 300, 60, 86400);

const issuerUrl = readUrl(env, 'ISSUER_URL', deployed ? undefined : 'http://127.0.0.1:8000');

/**
 * The access tokens' `aud` (RFC 9068 §3): the resource servers they are for,
 * comma-separated. By default `<ISSUER_URL>/api`, the API this gateway
 * serves: an absolute URI as RFC 8707 resource indicators are, and never the
 * issuer itself, which is the audience of what is sent to the authorization
 * server (RFC 7523 client assertions), nor a client id (the audience of ID tokens).
 */
const publicBaseUrl = readUrl(env, 'PUBLIC_BASE_URL', issuerUrl, '<ISSUER_URL>');

const accessTokenAudience = readList(env, 'ACCESS_TOKEN_AUDIENCE', `${issuerUrl}/api`, '<ISSUER_URL>/api');

/**
 * Mail (lib/mail): SMTP locally (maildev, `npm start`), Amazon SES in AWS
 * (SESv2 SendEmail). SMTP is for local runs only: nodemailer, which speaks
 * it, is left out of the deployed bundles (issue 27), so a deployed function
 * refuses it at start rather than failing its first mail.
 */
const mailTransport = readChoice(env, 'MAIL_TRANSPORT', ['smtp', 'ses'] as const, deployed ? 'ses' : 'smtp');
if (deployed && mailTransport === 'smtp') throw new Error('Invalid configuration: MAIL_TRANSPORT=smtp is for local runs only (deployed functions send through SES)');

export const config = Object.freeze({
  usersTable: readString(env, 'USERS_TABLE'),
  tokensTable: readString(env, 'TOKENS_TABLE'),
  /** Failed sign-in attempts per username and per client address (lib/protection). */
  attemptsTable: readString(env, 'ATTEMPTS_TABLE'),
  /**
   * The profile service's table, for account erasure and export only (the
   * functions that erase or export have it in serverless.yml; the profile
   * service's own reader, lib/profiles/config.ts, requires it).
   */
  profilesTable: readOptional(env, 'PROFILES_TABLE'),
  /** Unset in AWS; DynamoDB Local's URL when running locally. */
  dynamodbEndpoint: readOptional(env, 'DYNAMODB_ENDPOINT'),
  dynamodbTimeoutMs: readInt(env, 'DYNAMODB_TIMEOUT_MS', 2000, 100, 30000),
  /** A deployed function refuses to start without it: the Admin API must be named, and private. */
  kongAdminUrl: readUrl(env, 'KONG_ADMIN_URL', deployed ? undefined : 'http://127.0.0.1:8001'),
  kongAdminTimeoutMs: readInt(env, 'KONG_ADMIN_TIMEOUT_MS', 3000, 100, 30000),
  accessTokenTtlSeconds: readInt(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 60, MAX_ACCESS_TOKEN_TTL_SECONDS),
  refreshTokenTtlSeconds: readInt(env, 'REFRESH_TOKEN_TTL_SECONDS', 7 * 24 * 3600, 300, 90 * 24 * 3600),
  /** How long a refresh may be repeated (its answer lost) and get the same successor; 0 turns it off. */
  refreshRetryGraceSeconds: readInt(env, 'REFRESH_RETRY_GRACE_SECONDS', 60, 0, 300),
  /** bcrypt work factor: 10 or more in production; tests may lower it to 4. */
  bcryptCost: readInt(env, 'BCRYPT_COST', 10, deployed ? 10 : 4, 15),
  /**
   * The server-side secret passwords are HMAC'd with before bcrypt
   * (lib/accounts/passwords.ts): a stolen users table alone cannot be
   * cracked offline. A deployed function refuses to start without it; the
   * local stack and the tests share a fixed development value.
   */
  passwordPepper: readSecret(env, 'PASSWORD_PEPPER', 32, deployed ? undefined : 'local development pepper: not a secret, never deployed'),
  /**
   * The server-side secret device tokens are HMAC'd with (lib/protection/device-tokens.ts,
   * docs/device-tokens.md). Its own secret, not the pepper: it can be rotated at will
   * (every device token then stops counting until its client signs in again), the pepper
   * never. A deployed function refuses to start without it.
   */
  deviceTokenSecret: readSecret(env, 'DEVICE_TOKEN_SECRET', 32, deployed ? undefined : 'local development device-token secret: not a secret, never deployed'),
  /** How long a device token exempts its client from others' backoff; browsers keep a cookie 400 days at most. */
  deviceTokenTtlSeconds: readInt(env, 'DEVICE_TOKEN_TTL_DAYS', 90, 1, 400) * 24 * 3600,
  /** NIST SP 800-63B rev. 4: 15 for a password used alone; 8 is the floor, for deployments with a second factor. */
  passwordMinLength: readInt(env, 'PASSWORD_MIN_LENGTH', 15, 8, 64),
  protection: readProtection(),
  /**
   * Kong's trusted_ips, the same list (KONG_TRUSTED_IPS): the load balancers
   * whose X-Forwarded-For names the client (lib/platform/client-address.ts,
   * which reads it itself; checked here so a bad list fails at cold start).
   * Unset or NONE: the TCP peer Kong saw is the client.
   */
  trustedProxies: parseTrustedProxies(readString(env, 'TRUSTED_PROXIES', 'NONE')),
  accessTokenAlgorithm,
  /** The service's own keys' algorithm: the access tokens' unless those are HS256 (its keys still sign tokens for other services). */
  keyAlgorithm: accessTokenAlgorithm === 'HS256' ? ('ES256' as const) : accessTokenAlgorithm,
  /** Where the private keys live: `file` (local runs), `kms-envelope` (AWS, by default) or `kms` (AWS, KMS signs each token). */
  signingKeyCustody,
  /** The key files' folder (custody `file`): `npm start` keeps them in .data/signing-keys. */
  signingKeyDir: path.resolve(readString(env, 'SIGNING_KEY_DIR', path.join('.data', 'signing-keys'))),
  /** Unset in AWS; a stand-in's URL in tests. */
  kmsEndpoint: readOptional(env, 'KMS_ENDPOINT'),
  kmsTimeoutMs: readInt(env, 'KMS_TIMEOUT_MS', 2000, 100, 30000),
  /** The tag value the service's KMS keys carry (its IAM policy allows Sign only on keys tagged so; serverless.yml sets `<service>-<stage>`). */
  kmsKeyTag: readString(env, 'KMS_KEY_TAG', 'local'),
  /** Who administers the keys key rotation makes (their key policy names it, lib/keys/key-policy.ts): the account, never a function. */
  kmsKeyAdminPrincipal: readOptional(env, 'KMS_KEY_ADMIN_PRINCIPAL'),
  /** The local IAM stand-in's policies (lib/platform/iam-stand-in.ts): the local stack sets them, a deployed function ignores them. */
  iamStandInPolicies: deployed ? undefined : readOptional(env, 'IAM_STAND_IN_POLICIES'),
  /** How long others may cache the JWKS; a new key is published that long before it signs. */
  jwksCacheSeconds,
  /** How often a function re-reads the keyring; never longer than the JWKS cache lifetime (lib/keys/signing-keys.ts says why). */
  signingKeysRefreshSeconds: readInt(env, 'SIGNING_KEYS_REFRESH_SECONDS', 60, 0, jwksCacheSeconds),
  /** A key signs this long before the scheduled rotation publishes its successor. */
  keyRotationSeconds: readInt(env, 'KEY_ROTATION_DAYS', 30, 1, 365) * 24 * 3600,
  /** The service's public URL (Kong's proxy): the issuer in its discovery document, and `iss` of every token it signs. */
  issuerUrl,
  accessTokenAudience,
  /**
   * The `client_id` of access tokens from the seeds' first-party routes
   * (signin, refresh): the service's own applications, with `scope`
   * FIRST_PARTY_SCOPE.
   */
  firstPartyClientId: readString(env, 'FIRST_PARTY_CLIENT_ID', 'first-party'),
  mail: Object.freeze({
    transport: mailTransport,
    /** The SMTP server (MAIL_TRANSPORT=smtp): maildev under `npm start`. */
    smtpUrl: readUrl(env, 'SMTP_URL', 'smtp://127.0.0.1:1025'),
    /**
     * The sender: in AWS an address of the SES identity the functions may send
     * as (serverless.yml's mailIdentity); a function that sends refuses to
     * start over SES without it (lib/composition/mail.ts). SMTP: a local sender.
     */
    from: readOptional(env, 'MAIL_FROM'),
    /** SES configuration set (bounces, complaints, sending metrics); none when unset. */
    sesConfigurationSet: readOptional(env, 'SES_CONFIGURATION_SET'),
    /** How long one send may take before it counts as failed (a request waits for it). */
    timeoutMs: readInt(env, 'MAIL_TIMEOUT_MS', 5000, 100, 30000),
    /** The product's name in every mail. */
    productName: readString(env, 'PRODUCT_NAME', 'Kong Lambda Auth'),
  }),
  /**
   * Where the links in mails point: the service's public URL, never the
   * request's Host or X-Forwarded-Host (which a client chooses: OWASP Forgot
   * Password, "host header injection").
   */
  publicBaseUrl,
  recovery: Object.freeze({
    /** OWASP Forgot Password: short-lived; 20 minutes by default. */
    passwordResetTtlSeconds: readInt(env, 'PASSWORD_RESET_TTL_SECONDS', 1200, 60, 24 * 3600),
    emailVerificationTtlSeconds: readInt(env, 'EMAIL_VERIFICATION_TTL_SECONDS', 24 * 3600, 300, 7 * 24 * 3600),
    /** Sign-in refused (email_not_verified) until the account's address is verified. */
    requireVerifiedEmail: readBoolean(env, 'REQUIRE_VERIFIED_EMAIL', false),
    /** Recovery and verification mails per account per hour. */
    mailsPerAccountPerHour: readInt(env, 'RECOVERY_MAILS_PER_ACCOUNT_PER_HOUR', 3, 1, 100),
    /** Recovery and verification requests per client address per hour. */
    requestsPerAddressPerHour: readInt(env, 'RECOVERY_REQUESTS_PER_ADDRESS_PER_HOUR', 30, 1, 1_000_000),
  }),
  secondFactors: readSecondFactors(),
  passkeys: readPasskeys(),
});

/** The scope of first-party access tokens: everything the user may do, as the user. */
export const FIRST_PARTY_SCOPE = 'openid profile email';

/** Second factors (lib/second-factors, docs/second-factors.md). */
function readSecondFactors() {
  return Object.freeze({
    /** The issuer authenticator apps show beside the account name (the otpauth URI's issuer). */
    issuer: readString(env, 'MFA_ISSUER', 'kong-lambda-auth'),
    /** How long an mfa_token waits for its second factor. */
    pendingSignInSeconds: readInt(env, 'MFA_TOKEN_TTL_SECONDS', 300, 60, 900),
    /** Wrong codes one mfa_token allows (each also counts in the backoff). */
    maxCodeFailures: readInt(env, 'MFA_MAX_CODE_FAILURES', 5, 1, 10),
    /** How recent a second factor must be for a sensitive change without a code in the request. */
    stepUpSeconds: readInt(env, 'MFA_STEP_UP_SECONDS', 300, 60, 3600),
    /** The KMS key TOTP secrets are sealed under (envelope encryption), when the key custody is `kms`. */
    kmsKeyId: readOptional(env, 'SECOND_FACTOR_KMS_KEY_ID'),
  });
}

/**
 * Passkeys (lib/passkeys, docs/second-factors.md): the relying party is the
 * pages' host, and responses are accepted from the pages' origin only,
 * unless configured otherwise (a parent domain as RP ID, more origins).
 */
function readPasskeys() {
  const base = new URL(publicBaseUrl);
  return Object.freeze({
    rpId: readOptional(env, 'WEBAUTHN_RP_ID') ?? base.hostname,
    rpName: readString(env, 'WEBAUTHN_RP_NAME', 'Kong Lambda Auth'),
    origins: readList(env, 'WEBAUTHN_ORIGINS', base.origin, '<PUBLIC_BASE_URL> origin'),
    challengeSeconds: readInt(env, 'WEBAUTHN_CHALLENGE_TTL_SECONDS', 300, 30, 600),
  });
}

/** The limits of lib/protection (see its limits.ts for what each means). */
function readProtection() {
  const limits = {
    freeFailures: readInt(env, 'SIGNIN_FREE_FAILURES', 5, 1, 20),
    maxDelaySeconds: readInt(env, 'SIGNIN_MAX_DELAY_SECONDS', 900, 2, 24 * 3600),
    resetAfterSeconds: readInt(env, 'SIGNIN_FAILURES_RESET_SECONDS', 3600, 60, 7 * 24 * 3600),
    addressFailures: readInt(env, 'ADDRESS_FAILURE_LIMIT', 30, 1, 1_000_000),
    addressWindowSeconds: readInt(env, 'ADDRESS_FAILURE_WINDOW_SECONDS', 600, 10, 24 * 3600),
    addressBlockSeconds: readInt(env, 'ADDRESS_BLOCK_SECONDS', 900, 1, 24 * 3600),
  };
  // Otherwise a delay could outlast the quiet period that forgives it, and the count would restart mid-delay.
  if (limits.resetAfterSeconds <= limits.maxDelaySeconds) {
    throw new Error('Invalid configuration: SIGNIN_FAILURES_RESET_SECONDS must be longer than SIGNIN_MAX_DELAY_SECONDS');
  }
  return Object.freeze(limits);
}
