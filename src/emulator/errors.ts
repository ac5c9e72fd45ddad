/** A service error as WorkDocs answers it: status + x-amzn-ErrorType + {"__type","Message"} body. */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = type;
  }
}

export const notFound = (id: string): ServiceError =>
  new ServiceError(404, 'EntityNotExistsException', `The resource ${id} does not exist.`, { EntityIds: [id] });

export const invalidArgument = (message: string): ServiceError => new ServiceError(400, 'InvalidArgumentException', message);

export const unauthorizedResource = (id: string): ServiceError =>
  new ServiceError(404, 'UnauthorizedResourceAccessException', `The caller does not have access to the resource ${id}.`);

export const prohibitedState = (message: string): ServiceError => new ServiceError(409, 'ProhibitedStateException', message);

/** Default error type for an HTTP status (faults). */
export function defaultErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'InvalidArgumentException';
    case 403:
      return 'UnauthorizedOperationException';
    case 404:
      return 'EntityNotExistsException';
    case 409:
      return 'ProhibitedStateException';
    case 424:
      return 'FailedDependencyException';
    case 429:
      return 'ThrottlingException';
    case 503:
      return 'ServiceUnavailableException';
    default:
      return 'InternalFailure';
  }
}
