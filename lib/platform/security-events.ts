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
} as const;

/** What a user does on purpose is info; what looks like an attack is a warning. */
const USER_ACTIONS: ReadonlySet<SecurityEvent> = new Set(['signed_out_everywhere', 'password_changed', 'session_ended']);

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
