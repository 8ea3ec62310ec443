// Per-request helpers of the console: the signed-in account, posted forms checked for the session's token, and
// calls to the JSON API in-process on the account's behalf.
import type { Actor } from '@pingyi/data';
import type { Context } from 'hono';
import type { ConsoleDeps } from './deps.ts';
import { ApiAnswerError, CsrfError, SignInRequiredError } from './errors.ts';
import { csrfMatches, type SignedIn } from './session.ts';

export type ConsoleEnv = { Variables: { signedIn: SignedIn | undefined } };
export type ConsoleContext = Context<ConsoleEnv>;

export function signedIn(c: ConsoleContext): SignedIn {
  const s = c.get('signedIn');
  if (!s) throw new SignInRequiredError('请先登录');
  return s;
}

export const actorOf = (s: SignedIn): Actor => ({ type: 'account', name: s.account.name });

export type Form = Record<string, string | File | (string | File)[]>;

/** The posted form of a signed-in account, refused unless it carries this session's token. */
export async function postedForm(c: ConsoleContext): Promise<{ form: Form; signedIn: SignedIn }> {
  const s = signedIn(c);
  const form = (await c.req.parseBody({ all: true })) as Form;
  if (!csrfMatches(s, form._csrf)) throw new CsrfError('表单已失效，请刷新页面后重试');
  return { form, signedIn: s };
}

/** A single text field of a form, trimmed; '' when absent. */
export const text = (form: Form, name: string): string => {
  const value = form[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : '';
};

/** Every text value of a repeatable field. */
export const texts = (form: Form, name: string): string[] => {
  const value = form[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (v): v is string => typeof v === 'string',
  );
};

const statuses = new Set([400, 401, 403, 404, 409, 410, 429, 503]);

/** Calls the JSON API as this account; a refusal becomes a console error with the API's Chinese message. */
export async function callApi<T>(
  deps: ConsoleDeps,
  s: SignedIn,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const response = await deps.api(new Request(`http://console.internal${path}`, init), actorOf(s));
  const answer = (await response.json().catch(() => undefined)) as
    | { error?: { message?: string; issues?: { path: string; message: string }[] } }
    | undefined;
  if (!response.ok) {
    if (!statuses.has(response.status)) throw new Error(`API ${method} ${path} answered ${response.status}`);
    throw new ApiAnswerError(
      response.status as ApiAnswerError['status'],
      answer?.error?.message ?? '操作未完成',
      answer?.error?.issues ?? [],
    );
  }
  return answer as T;
}
