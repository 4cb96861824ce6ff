import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { log } from './log';

/**
 * What the security team wants to see, count and alarm on. Each has a
 * CloudWatch metric of its own name (PascalCase) in the service's namespace.
 */
export const SECURITY_EVENTS = {
  signin_failed: 'SigninFailed',
  /** A wrong current password on a password change: counted like a failed signin. */
  password_change_failed: 'PasswordChangeFailed',
  backoff_started: 'BackoffStarted',
  address_throttled: 'AddressThrottled',
  refresh_token_reused: 'RefreshTokenReused',
  /** An authorization code presented a second time: what the first issued is revoked (RFC 6749 §4.1.2). */
  authorization_code_reused: 'AuthorizationCodeReused',
  signed_out_everywhere: 'SignedOutEverywhere',
  password_changed: 'PasswordChanged',
  session_ended: 'SessionEnded',
  /** A wrong password on a user's own account deletion: counted like a failed signin. */
  account_deletion_failed: 'AccountDeletionFailed',
  /** The user's own export and deletion (GDPR art. 15, 17, 20). */
  account_exported: 'AccountExported',
  account_deleted: 'AccountDeleted',
  /** Operators' actions (the admin API): each names the operator's Kong consumer. */
  admin_users_searched: 'AdminUsersSearched',
  admin_user_viewed: 'AdminUserViewed',
  admin_sessions_listed: 'AdminSessionsListed',
  admin_account_disabled: 'AdminAccountDisabled',
  admin_account_enabled: 'AdminAccountEnabled',
  admin_signed_out: 'AdminSignedOut',
  admin_account_deleted: 'AdminAccountDeleted',
  /** Operators' OAuth client registry (the admin API's /api/admin/clients). */
  admin_client_created: 'AdminClientCreated',
  admin_clients_listed: 'AdminClientsListed',
  admin_client_deleted: 'AdminClientDeleted',
  /** A forgot-password request (known or not: `reason` says, the client never learns). */
  password_reset_requested: 'PasswordResetRequested',
  password_reset: 'PasswordReset',
  /** A reset or verification token refused: a replayed or guessed link. */
  recovery_token_refused: 'RecoveryTokenRefused',
  /** Recovery mails held back for an account or a client address. */
  recovery_throttled: 'RecoveryThrottled',
  /** A mail that could not be sent: reported here, not retried (docs/recovery.md). */
  mail_failed: 'MailFailed',
  email_verified: 'EmailVerified',
  /** Someone registered or changed to an address another account holds. */
  email_in_use: 'EmailInUse',
  /** A wrong or replayed second-factor code (TOTP or recovery code), at sign-in or a sensitive change. */
  second_factor_failed: 'SecondFactorFailed',
  second_factor_added: 'SecondFactorAdded',
  second_factor_removed: 'SecondFactorRemoved',
  recovery_codes_regenerated: 'RecoveryCodesRegenerated',
  /** A sign-in completed with a recovery code: the user may have lost the authenticator. */
  recovery_code_used: 'RecoveryCodeUsed',
  /** A passkey assertion that did not verify (unknown credential, bad signature, spent challenge) at sign-in. */
  passkey_failed: 'PasskeyFailed',
  /** A passkey's signature counter did not move forward: a cloned authenticator or a replay (WebAuthn §6.1.1). */
  passkey_counter_regressed: 'PasskeyCounterRegressed',
} as const;

/** What a user does on purpose is info; what looks like an attack is a warning. */
const USER_ACTIONS: ReadonlySet<SecurityEvent> = new Set([
  'signed_out_everywhere',
  'password_changed',
  'session_ended',
  'password_reset',
  'email_verified',
  'account_exported',
  'account_deleted',
  'admin_users_searched',
  'admin_user_viewed',
  'admin_sessions_listed',
  'admin_account_enabled',
  'admin_signed_out',
  'second_factor_added',
  'second_factor_removed',
  'recovery_codes_regenerated',
]);

export type SecurityEvent = keyof typeof SECURITY_EVENTS;

/** Identifiers only: never a password, a hash, a secret or a token. */
export interface SecurityEventFields {
  username?: string;
  /** Why: e.g. unknown_user, wrong_password, too_many_attempts. */
  reason?: string;
  sessionId?: string;
  /** For throttling events: how long the client is held off. */
  retryAfterSeconds?: number;
  [field: string]: string | number | boolean | undefined;
}

/**
 * Metrics go out in the Embedded Metric Format: a JSON line on stdout that
 * CloudWatch Logs turns into metrics, with no API call and no extra latency.
 * Powertools writes it with a Console of its own, bypassing the Lambda
 * runtime's prefix that would keep CloudWatch from reading the line.
 * POWERTOOLS_METRICS_DISABLED turns it off (the tests do).
 */
const metrics = new Metrics({ namespace: 'kong-lambda-auth', serviceName: 'kong-lambda-auth' });

/**
 * One structured log line per security event, carrying the request ids and
 * the client's address (log.ts adds them), and one metric data point.
 * Emitted synchronously: the metrics buffer is shared by every invocation in
 * the process, so nothing may interleave between adding and publishing.
 */
export function securityEvent(event: SecurityEvent, fields: SecurityEventFields = {}): void {
  (USER_ACTIONS.has(event) ? log.info : log.warn)('security event', { event, ...fields });
  try {
    metrics.addMetric(SECURITY_EVENTS[event], MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
  } catch (error) {
    // Counting must never turn a refusal into a 500.
    log.error('could not publish a metric', { event, error: (error as Error).name });
  }
}
