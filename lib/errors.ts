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

export class ForbiddenError extends HttpError {
  constructor(message: string) {
    super(403, message);
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

/** The one mapping from anything thrown to what the caller may see. */
export function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (isAxiosError(error)) return new DependencyError('kong', error.code ?? error.message);
  return undefined;
}
