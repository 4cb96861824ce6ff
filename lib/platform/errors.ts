import { ERROR_CODES, type ErrorCode } from './error-codes';

export { ERROR_CODES, type ErrorCode };

/**
 * Every error a client may see: a stable machine-readable `code` from the
 * catalogue (error-codes.ts), which fixes its HTTP status, and a message
 * safe to show (the catalogue's unless a more precise one is given). The
 * `cause` keeps what went wrong underneath, for the logs only.
 */
export class AppError extends Error {
  readonly status: number;
  /** Response headers that belong to the answer, e.g. Retry-After on a 429. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Fields the answer carries beside `code` and `message` (mfa_required's `mfa_token` and `methods`). */
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code].message,
    options?: { cause?: unknown; headers?: Record<string, string>; details?: Record<string, unknown> },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.status = ERROR_CODES[code].status;
    this.headers = options?.headers;
    this.details = options?.details;
  }
}

/** The request itself is malformed: a body that does not parse or validate. */
export const invalidRequest = (message: string, cause?: unknown) => new AppError('invalid_request', message, { cause });

/** A protected route's bearer token is missing, forged, expired or revoked (RFC 6750 `invalid_token`). */
export const invalidToken = (cause?: unknown) => new AppError('invalid_token', undefined, { cause });

/** What a 503 blames in the logs: `signing-keys` is a keyring with no active key (none made yet). */
export type Dependency = 'kong' | 'dynamodb' | 'kms' | 'signing-keys' | 'identity-keys';

/** What every 503 says, whoever answers it: a failing dependency, a function about to time out, the health check. */
export const UNAVAILABLE = Object.freeze({ code: 'temporarily_unavailable', ...ERROR_CODES.temporarily_unavailable } as const);

/** A dependency (Kong Admin API, DynamoDB, KMS, the identity provider's keys) failed or timed out: retrying later may work. */
export class DependencyError extends AppError {
  constructor(
    readonly dependency: Dependency,
    cause: unknown,
  ) {
    super(UNAVAILABLE.code, UNAVAILABLE.message, { cause });
  }
}

/**
 * An error's message for the logs. A SyntaxError is a parser's (JSON.parse,
 * which quotes the text it read, V8's `Unexpected token 'p', "password=..." is
 * not valid JSON`): parsed text may be a request body or an answer carrying
 * secrets, so only where it broke is kept.
 */
function safeDetail(error: Error): string {
  if (!(error instanceof SyntaxError)) return error.message;
  const position = /\bat position (\d+)/.exec(error.message)?.[1];
  return position === undefined ? 'syntax error' : `syntax error at position ${position}`;
}

/** What a log line says about an error: its name, message, code, and the chain of causes. */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: String(error) };
  const described: Record<string, unknown> = { error: error.name, detail: safeDetail(error) };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') described.code = code;
  if (error.cause !== undefined) described.cause = describeError(error.cause);
  return described;
}
