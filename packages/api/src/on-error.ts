// The one place an error becomes an HTTP status and the {"error": {code, message, issues?}} body.
import { CampaignNotFoundError, CampaignStatusError, UnsettledAggregatesError } from '@pingyi/data';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type ApiError, NotFoundError, StatusConflictError, UnavailableError } from './errors.ts';
import { logger } from './logger.ts';

const statusByCode: Record<string, ContentfulStatusCode> = {
  invalid_request: 400,
  malformed_body: 400,
  unauthorized: 401,
  invalid_code: 403,
  not_found: 404,
  status_conflict: 409,
  code_used: 409,
  not_open: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
};

const statusLabels: Record<string, string> = { draft: '草稿', open: '进行中', closed: '已结束' };

/** Turns errors from the packages below into API errors; anything else stays as it is (a 500). */
export function toApiError(error: unknown): unknown {
  if (error instanceof CampaignNotFoundError) return new NotFoundError('未找到该评议活动');
  if (error instanceof CampaignStatusError) {
    return new StatusConflictError(
      `评议活动当前状态为“${statusLabels[error.status] ?? error.status}”，不能改为“${statusLabels[error.wanted] ?? error.wanted}”`,
    );
  }
  if (error instanceof UnsettledAggregatesError) {
    return new UnavailableError('实时统计正在更新，请稍后刷新', undefined, { cause: error });
  }
  return error;
}

export function statusOf(error: ApiError): ContentfulStatusCode {
  return statusByCode[error.code] ?? 400;
}

export function errorBody(error: ApiError) {
  return {
    error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) },
  };
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
