// Errors an API request can end in. Each carries a stable code and a Chinese message; status is set in on-error.ts.
export interface Issue {
  path: string;
  message: string;
}

export abstract class ApiError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly issues?: Issue[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class ValidationError extends ApiError {
  readonly code = 'invalid_request';
}
export class MalformedBodyError extends ApiError {
  readonly code = 'malformed_body';
}
export class UnauthorizedError extends ApiError {
  readonly code = 'unauthorized';
}
export class NotFoundError extends ApiError {
  readonly code = 'not_found';
}
export class StatusConflictError extends ApiError {
  readonly code = 'status_conflict';
}
export class ForgedCodeError extends ApiError {
  readonly code = 'invalid_code';
}
export class CodeUsedError extends ApiError {
  readonly code = 'code_used';
}
/** A code its organizer voided (a lost slip): it never votes. */
export class VoidCodeError extends ApiError {
  readonly code = 'code_void';
}
/** A device that voted on an open link (its signed cookie says so) submits again: a used ballot, like a code. */
export class DeviceVotedError extends ApiError {
  readonly code = 'code_used';
}
export class NotOpenError extends ApiError {
  readonly code = 'not_open';
  constructor(
    message: string,
    readonly window: { opensAt: string; closesAt: string },
  ) {
    super(message);
  }
}
export class PayloadTooLargeError extends ApiError {
  readonly code = 'payload_too_large';
}
export class UnsupportedMediaTypeError extends ApiError {
  readonly code = 'unsupported_media_type';
}
export class RateLimitedError extends ApiError {
  readonly code = 'rate_limited';
}
/** The open channel's quota for one source in the current window is used up (see voting.ts). */
export class QuotaExceededError extends ApiError {
  readonly code = 'quota_exceeded';
  constructor(
    message: string,
    /** until the window ends */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
export class UnavailableError extends ApiError {
  readonly code = 'unavailable';
}
