import { isAxiosError } from 'axios';

/** An error whose status and message are safe to show the caller. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends HttpError {
  constructor(message: string) {
    super(400, message);
  }
}

export class UnauthorizedError extends HttpError {
  constructor(message: string) {
    super(401, message);
  }
}

export class ConflictError extends HttpError {
  constructor(message: string) {
    super(409, message);
  }
}

/** A dependency (Kong Admin API, DynamoDB) failed or timed out: retrying later may work. */
export class DependencyError extends HttpError {
  constructor(
    readonly dependency: 'kong' | 'dynamodb',
    readonly detail: string,
  ) {
    super(503, 'Service temporarily unavailable, please retry');
  }
}

/** AWS SDK errors carry `$metadata`; network failures carry a Node error code. */
function isDynamoDbFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  return '$metadata' in error || 'code' in error || (error as Error).name === 'TimeoutError';
}

/** The one mapping from anything thrown to what the caller may see. */
export function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (isAxiosError(error)) return new DependencyError('kong', error.code ?? error.message);
  if (isDynamoDbFailure(error)) return new DependencyError('dynamodb', (error as Error).name);
  return undefined;
}
