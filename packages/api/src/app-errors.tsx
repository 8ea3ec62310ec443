// The not-found answer and the error handler of both apps (the evaluator front in app.tsx and the full app): every
// API error becomes its status and body (on-error.ts), as a page on the evaluator routes; anything else a bare 500.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  ApiError,
  MalformedBodyError,
  NotFoundError,
  UnavailableError,
  UnsupportedMediaTypeError,
} from './errors.ts';
import { errorBody, internalErrorBody, logInternal, statusOf, toApiError } from './on-error.ts';
import { MessagePage } from './pages/message-page.tsx';

const pageTitles: Record<string, string> = {
  invalid_code: '评议码无效',
  code_used: '该评议码已使用',
  not_open: '评议未开放',
  payload_too_large: '提交内容过大',
  rate_limited: '操作太频繁',
};

/** Evaluator pages answer in HTML unless the request came as JSON. */
const wantsHtml = (c: Context) =>
  c.req.path.startsWith('/b/') && !(c.req.header('content-type') ?? '').includes('application/json');

function htmlError(c: Context, title: string, message: string, status: ContentfulStatusCode) {
  return c.html(`<!DOCTYPE html>${<MessagePage title={title} message={message} />}`, status);
}

export function notFound(c: Context) {
  const error = new NotFoundError('页面不存在');
  return wantsHtml(c) ? htmlError(c, '页面不存在', error.message, 404) : c.json(errorBody(error), 404);
}

export function onError(raw: Error, c: Context) {
  let error = toApiError(raw);
  if (error instanceof HTTPException && error.status === 400) {
    error = new MalformedBodyError('请求体不是有效的 JSON', undefined, { cause: error });
  }
  // A ballot request past its time bound (the /b/* timeout in app.tsx): the answer claims nothing, and the page sends
  // the same submission again (a ballot that did land is then answered as a repeat).
  if (error instanceof HTTPException && error.status === 503) {
    error = new UnavailableError('系统繁忙，本次提交未完成，请稍后重试', undefined, { cause: error });
  }
  // The route validator refuses a body that is not JSON before any handler runs: answer in the same format.
  if (error instanceof HTTPException && error.status === 415) {
    error = new UnsupportedMediaTypeError('请求体须为 JSON（Content-Type: application/json）', undefined, {
      cause: error,
    });
  }
  if (error instanceof ApiError) {
    const status = statusOf(error);
    if (wantsHtml(c)) return htmlError(c, pageTitles[error.code] ?? '提交失败', error.message, status);
    return c.json(errorBody(error), status);
  }
  if (error instanceof HTTPException) return error.getResponse();
  logInternal(c, raw);
  return wantsHtml(c)
    ? htmlError(c, '系统繁忙', internalErrorBody.error.message, 500)
    : c.json(internalErrorBody, 500);
}
