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
