// A console client for integration tests: keeps its cookies like a browser, sends the page's Origin, and picks
// the per-session form token out of the last page it read. Requests go through app.request() (no network).

import { createAccountWithLink } from '@pingyi/console';
import { SYSTEM_ACTOR } from '@pingyi/data';
import type { TestStack } from './stack.ts';

export const ORIGIN = 'http://localhost';
export const PASSWORDS: Record<string, string> = {
  admin: 'county-chief-pass-1',
  org: 'runs-campaigns-2024',
  other: 'second-person-77',
  viewer: 'reads-only-pass-9',
};

export interface Answer {
  status: number;
  text: string;
  location: string | null;
  headers: Headers;
}

export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(
    readonly stack: TestStack,
    /** the address the app sees, for the per-client sign-in limit */
    readonly address = '198.51.100.7',
  ) {}

  async request(
    method: string,
    path: string,
    init: { body?: RequestInit['body']; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await this.stack.app.request(
      `${ORIGIN}${path}`,
      { method, headers, ...(init.body === undefined ? {} : { body: init.body }) },
      // what @hono/node-server hands the app: the TCP peer
      { incoming: { socket: { remoteAddress: this.address } } },
    );
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (attributes.some((a) => /max-age=0/i.test(a.trim())) || value === '')
        this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    const text = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return {
      status: response.status,
      text,
      location: response.headers.get('location'),
      headers: response.headers,
    };
  }

  get(path: string): Promise<Answer> {
    return this.request('GET', path);
  }

  /** A form post as a browser on the console's page sends it: Origin, cookies and (unless told) the form token. */
  post(
    path: string,
    fields: Record<string, string | string[]> = {},
    options: { origin?: string | null; csrf?: string | null } = {},
  ): Promise<Answer> {
    const body = new URLSearchParams();
    const token = options.csrf === undefined ? this.csrf : options.csrf;
    if (token !== null) body.append('_csrf', token);
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
    const origin = options.origin === undefined ? ORIGIN : options.origin;
    return this.request('POST', path, {
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(origin === null ? {} : { origin }),
      },
    });
  }

  postMultipart(path: string, form: FormData): Promise<Answer> {
    form.append('_csrf', this.csrf);
    return this.request('POST', path, { body: form, headers: { origin: ORIGIN } });
  }

  async signIn(name: string, password = PASSWORDS[name] ?? ''): Promise<Answer> {
    return this.post('/console/login', { name, password, next: '/console/campaigns' }, { csrf: null });
  }

  /** Reads a page to get a fresh form token, then posts. */
  async submit(page: string, path: string, fields: Record<string, string | string[]> = {}): Promise<Answer> {
    await this.get(page);
    return this.post(path, fields);
  }
}

/** An account made as the ops command makes it, with its set-up link used to set the password. */
export async function accountWithPassword(
  stack: TestStack,
  name: string,
  role: 'admin' | 'organizer' | 'viewer',
  password = PASSWORDS[name] ?? `${name}-password-123`,
): Promise<ConsoleClient> {
  const { url } = await createAccountWithLink(
    stack.db,
    { name, displayName: `${name} 同志`, role },
    stack.clock.now,
    SYSTEM_ACTOR,
    'https://py.example.gov.cn',
  );
  const client = new ConsoleClient(stack);
  const path = new URL(url).pathname;
  const set = await client.post(path, { password, confirm: password }, { csrf: null });
  if (set.status !== 303)
    throw new Error(`set-up link failed: ${set.status} ${/role="alert">([^<]*)/.exec(set.text)?.[1]}`);
  return client;
}

/** The campaign id in a console redirect such as /console/campaigns/0a1b2c3d?done=created. */
export const campaignIdOf = (location: string | null) =>
  /\/console\/campaigns\/([0-9a-f]{8})/.exec(location ?? '')?.[1] ?? '';
