/**
 * Error bodies as Twenty's REST layer sends them (twenty-api.md §6, `sendHttpExceptionResponse`):
 * `{"statusCode":400,"error":"BadRequestException","messages":["…"],"code":"INVALID_ARGS_DATA"}`.
 * `code` is left out when Twenty's exception has none (plain Nest `BadRequestException`s, database errors).
 */

export interface ErrorBody {
  statusCode: number;
  error: string;
  messages: string[];
  code?: string;
}

const ERROR_NAMES: Record<number, string> = {
  400: 'BadRequestException',
  401: 'UnauthorizedException',
  403: 'ForbiddenException',
  404: 'NotFoundException',
  405: 'MethodNotAllowedException',
  409: 'ConflictException',
  413: 'PayloadTooLargeException',
  429: 'TooManyRequestsException',
  500: 'InternalServerErrorException',
};

export function errorName(status: number): string {
  return ERROR_NAMES[status] ?? (status >= 500 ? 'InternalServerErrorException' : 'BadRequestException');
}

/** An error the sandbox answers with; anything else that escapes a handler becomes a 500. */
export class SandboxHttpError extends Error {
  override readonly name = 'SandboxHttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }

  body(): ErrorBody {
    const body: ErrorBody = { statusCode: this.status, error: errorName(this.status), messages: [this.message] };
    if (this.code !== undefined) body.code = this.code;
    return body;
  }
}

/** A Nest `BadRequestException` thrown by a REST parser: 400, no code. */
export function badRequest(message: string): SandboxHttpError {
  return new SandboxHttpError(400, message);
}

/** A validation failure of the data-arg processor (`CommonQueryRunnerException`). */
export function invalidArgs(message: string): SandboxHttpError {
  return new SandboxHttpError(400, message, 'INVALID_ARGS_DATA');
}

/**
 * Exceptions whose HTTP status moved when Twenty started mapping exception categories to statuses
 * (`EXCEPTION_CATEGORY_HTTP_STATUS`, twenty-api.md §6): the 1.x profile answers 400, the 2.x profile the category's
 * status (404 for a missing record, 409 for a duplicate).
 */
export function categorized(mapped: boolean, categoryStatus: number, message: string, code: string): SandboxHttpError {
  return new SandboxHttpError(mapped ? categoryStatus : 400, message, code);
}
