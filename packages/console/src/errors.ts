// Errors a console request can end in; each page of them is rendered in one place (app.tsx) with its status.
export abstract class ConsoleError extends Error {
  abstract readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 429 | 503;
  abstract readonly title: string;
}

/** Not signed in, or the session ended: the answer is the sign-in page. */
export class SignInRequiredError extends ConsoleError {
  readonly status = 401;
  readonly title = '请先登录';
}
/** Signed in, but the role does not allow it (a viewer changing something, an organizer managing accounts). */
export class ForbiddenError extends ConsoleError {
  readonly status = 403;
  readonly title = '没有权限';
}
/** Missing, or not visible to this account: the two look the same, so nobody learns what others run. */
export class NotFoundError extends ConsoleError {
  readonly status = 404;
  readonly title = '未找到';
}
export class InvalidInputError extends ConsoleError {
  readonly status = 400;
  readonly title = '输入有误';
}
export class ConflictError extends ConsoleError {
  readonly status = 409;
  readonly title = '操作未完成';
}
export class ThrottledError extends ConsoleError {
  readonly status = 429;
  readonly title = '尝试次数过多';
}
/** The form did not carry this session's token: a page open in another session, or a forged request. */
export class CsrfError extends ConsoleError {
  readonly status = 403;
  readonly title = '表单已失效';
}
/** An answer of the JSON API called in-process that is not a success: its status and Chinese message. */
export class ApiAnswerError extends ConsoleError {
  readonly title = '操作未完成';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 429 | 503,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}
/** A set-up or reset link that was used, replaced, or is past its time. */
export class LinkGoneError extends ConsoleError {
  readonly status = 410;
  readonly title = '链接已失效';
}
/** A form or upload larger than any campaign file needs. */
export class TooLargeError extends ConsoleError {
  readonly status = 413;
  readonly title = '内容过大';
}
