// The one place an error becomes an HTTP status and the {"error": {code, message, issues?}} body.
import {
  CampaignNotFoundError,
  CampaignStatusError,
  CodeNotVoidableError,
  CommentsNotStoredError,
  UnsettledAggregatesError,
} from '@pingyi/data/errors';
import { logger } from '@pingyi/runtime/logger';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  type ApiError,
  CodeUsedError,
  NotFoundError,
  StatusConflictError,
  UnavailableError,
  ValidationError,
} from './errors.ts';

const statusByCode: Record<string, ContentfulStatusCode> = {
  invalid_request: 400,
  malformed_body: 400,
  unauthorized: 401,
  invalid_code: 403,
  not_found: 404,
  status_conflict: 409,
  code_used: 409,
  not_open: 410,
  code_void: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  quota_exceeded: 429,
  unavailable: 503,
};

const statusLabels: Record<string, string> = {
  draft: '草稿',
  open: '进行中',
  closed: '已结束',
  reopened: '重新开放',
};

/** Turns errors from the packages below into API errors; anything else stays as it is (a 500). */
export function toApiError(error: unknown): unknown {
  if (error instanceof CampaignNotFoundError) return new NotFoundError('未找到该评议活动');
  if (error instanceof CampaignStatusError) {
    const reopen = error.status === 'closed' ? '（已结束的评议活动只能由县级管理员说明理由后重新开放）' : '';
    return new StatusConflictError(
      `评议活动当前状态为“${statusLabels[error.status] ?? error.status}”，不能改为“${statusLabels[error.wanted] ?? error.wanted}”${reopen}`,
    );
  }
  if (error instanceof CodeNotVoidableError) {
    return error.reason === 'used'
      ? new CodeUsedError('这个评议码已经投过票，不能作废：已计入的评议票不会撤销')
      : new ValidationError('这个序号的评议码尚未发放，不能作废', [
          { path: 'serial', message: '序号超出已发放的范围' },
        ]);
  }
  if (error instanceof UnsettledAggregatesError) {
    return new UnavailableError('实时统计正在更新，请稍后刷新', undefined, { cause: error });
  }
  // The ballot is stored; a retry with the same submission id (the page sends one by itself) stores the rest.
  if (error instanceof CommentsNotStoredError) {
    return new UnavailableError('提交尚未全部完成，请再提交一次（不会重复计票）', undefined, {
      cause: error,
    });
  }
  return error;
}

export function statusOf(error: ApiError): ContentfulStatusCode {
  return statusByCode[error.code] ?? 400;
}

/** An error answer lists at most this many issues, and says how many there were: a hostile body stays a short answer. */
export const MAX_ISSUES = 50;

export function errorBody(error: ApiError) {
  const issues = error.issues;
  const listed = issues ? { issues: issues.slice(0, MAX_ISSUES), issueCount: issues.length } : {};
  return { error: { code: error.code, message: error.message, ...listed } };
}

export const internalErrorBody = { error: { code: 'internal', message: '服务器内部错误，请稍后重试' } };

export function logInternal(c: Context, error: unknown): void {
  logger.error('request failed', {
    method: c.req.method,
    // the path of a ballot route holds its code: never log it
    route: c.req.routePath,
    error:
      error instanceof Error
        ? { name: error.name, message: error.message, stack: error.stack }
        : String(error),
  });
}
