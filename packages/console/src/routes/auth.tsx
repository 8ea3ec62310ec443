// Signing in and out, setting a password through a one-time link, changing one's own password.
import { type Account, accountOfLink, getAccount, setPassword, useLink, writeAudit } from '@pingyi/data';
import { logger } from '@pingyi/runtime';
import { Hono } from 'hono';
import type { ConsoleDeps } from '../deps.ts';
import { ThrottledError } from '../errors.ts';
import { roleLabels } from '../pages/labels.ts';
import { Alert, CsrfField, documentOf, Layout } from '../pages/layout.tsx';
import { DEFAULT_SCRYPT, hashPassword, PASSWORD_MIN, passwordProblem, verifyPassword } from '../passwords.ts';
import { actorOf, type ConsoleEnv, type Form, postedForm, signedIn, text } from '../request.ts';
import { endSession, type SignedIn, startSession, tokenDigest } from '../session.ts';
import { clientSubject, recordFailure, recordSuccess, throttled } from '../throttle.ts';

const notices: Record<string, string> = {
  logout: '您已安全退出。',
  expired: '登录已过期，请重新登录。',
};

/** Only a path inside the console: never an absolute URL someone slipped into the link. */
const safeNext = (next: string) => (/^\/console\/[\w\-/?=&.%]*$/.test(next) ? next : '/console/campaigns');

function LoginPage(props: { next: string; name?: string; error?: string; notice?: string }) {
  return (
    <Layout title="登录">
      <div class="panel narrow">
        <h1>登录评议管理平台</h1>
        {props.notice ? <p class="notice ok">{props.notice}</p> : null}
        <Alert message={props.error} />
        <form method="post" action="/console/login">
          <input type="hidden" name="next" value={props.next} />
          <label for="name">用户名</label>
          <input
            id="name"
            name="name"
            type="text"
            autocomplete="username"
            required
            value={props.name ?? ''}
          />
          <label for="password">密码</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
          <div class="actions">
            <button type="submit">登录</button>
          </div>
        </form>
        <p class="hint">忘记密码请联系县级管理员重置。自动化脚本请使用服务凭证（API 令牌），见说明文档。</p>
      </div>
    </Layout>
  );
}

function SetPasswordPage(props: { account: Account; error?: string }) {
  const first = !props.account.passwordHash;
  return (
    <Layout title={first ? '设置密码' : '重置密码'}>
      <div class="panel narrow">
        <h1>{first ? '设置密码' : '重置密码'}</h1>
        <p>
          账号 <strong>{props.account.name}</strong>（{props.account.displayName}，
          {roleLabels[props.account.role]}）。此链接只能使用一次。
        </p>
        <Alert message={props.error} />
        <form method="post">
          <PasswordFields />
          <div class="actions">
            <button type="submit">保存密码并登录</button>
          </div>
        </form>
      </div>
    </Layout>
  );
}

function PasswordFields() {
  return (
    <>
      <label for="password">新密码</label>
      <input
        id="password"
        name="password"
        type="password"
        autocomplete="new-password"
        required
        minlength={PASSWORD_MIN}
      />
      <p class="hint">至少 {PASSWORD_MIN} 个字符，不能包含用户名。</p>
      <label for="confirm">再次输入新密码</label>
      <input id="confirm" name="confirm" type="password" autocomplete="new-password" required />
    </>
  );
}

function newPasswordProblem(form: Form, account: string): string | undefined {
  const password = typeof form.password === 'string' ? form.password : '';
  if (password !== (typeof form.confirm === 'string' ? form.confirm : '')) return '两次输入的密码不一致';
  return passwordProblem(password, account);
}

export function authRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  const params = deps.scrypt ?? DEFAULT_SCRYPT;

  app.get('/login', (c) => {
    if (c.get('signedIn')) return c.redirect('/console/campaigns', 303);
    const notice = notices[c.req.query('done') ?? ''];
    return c.html(
      documentOf(<LoginPage next={safeNext(c.req.query('next') ?? '')} {...(notice ? { notice } : {})} />),
    );
  });

  app.post('/login', async (c) => {
    const form = (await c.req.parseBody()) as Form;
    const name = text(form, 'name').toLowerCase();
    const password = typeof form.password === 'string' ? form.password : '';
    const next = safeNext(text(form, 'next'));
    const client = clientSubject(deps, deps.clientAddress(c));
    const subjects = { account: name.slice(0, 64), client };
    const now = deps.now();
    const over = await throttled(deps, subjects);
    if (over) {
      // a line per refusal: a metric filter on it can raise an alarm when someone is guessing
      logger.warn('console sign-in throttled', { account: subjects.account, limit: over, client });
      await writeAudit(deps.db, {
        at: now,
        action: 'login-throttled',
        detail: { account: subjects.account, limit: over === 'account' ? '账号' : '来源' },
        actor: { type: 'client', digest: client },
      });
      throw new ThrottledError('登录失败次数过多，已暂时锁定。请 15 分钟后再试，或联系县级管理员。');
    }
    const account = name ? await getAccount(deps.db, name) : undefined;
    // Verified even without an account (against a decoy), so the answer takes as long either way.
    const { ok, rehash } = await verifyPassword(password, account?.passwordHash, params);
    if (!account || !ok || account.disabled) {
      logger.info('console sign-in refused', {
        account: subjects.account,
        known: account !== undefined,
        client,
      });
      await recordFailure(deps, subjects);
      await writeAudit(deps.db, {
        at: now,
        action: 'login-failed',
        detail: { account: subjects.account },
        actor: { type: 'client', digest: client },
      });
      return c.html(documentOf(<LoginPage next={next} name={name} error="用户名或密码不正确" />), 401);
    }
    await recordSuccess(deps, subjects);
    if (rehash)
      await setPassword(deps.db, account.name, await hashPassword(password, params), now, { type: 'system' });
    await startSession(c, deps, account);
    await writeAudit(deps.db, { at: now, action: 'login', actor: { type: 'account', name: account.name } });
    return c.redirect(next, 303);
  });

  app.post('/logout', async (c) => {
    const { signedIn: s } = await postedForm(c);
    await endSession(c, deps, s);
    await writeAudit(deps.db, { at: deps.now(), action: 'logout', actor: actorOf(s) });
    return c.redirect('/console/login?done=logout', 303);
  });

  app.get('/link/:token', async (c) => {
    const account = await accountOfLink(deps.db, tokenDigest(c.req.param('token')), deps.now());
    return c.html(documentOf(<SetPasswordPage account={account} />));
  });

  app.post('/link/:token', async (c) => {
    const digest = tokenDigest(c.req.param('token'));
    const account = await accountOfLink(deps.db, digest, deps.now());
    const form = (await c.req.parseBody()) as Form;
    const problem = newPasswordProblem(form, account.name);
    if (problem) {
      return c.html(documentOf(<SetPasswordPage account={account} error={problem} />), 400);
    }
    const updated = await useLink(
      deps.db,
      digest,
      await hashPassword(String(form.password), params),
      deps.now(),
    );
    await startSession(c, deps, updated);
    return c.redirect('/console/campaigns', 303);
  });

  app.get('/password', (c) => {
    const s = signedIn(c);
    return c.html(documentOf(<PasswordPage signedIn={s} done={c.req.query('done') === '1'} />));
  });

  app.post('/password', async (c) => {
    const { form, signedIn: s } = await postedForm(c);
    const current = typeof form.current === 'string' ? form.current : '';
    const { ok } = await verifyPassword(current, s.account.passwordHash, params);
    const problem = ok ? newPasswordProblem(form, s.account.name) : '当前密码不正确';
    if (problem) return c.html(documentOf(<PasswordPage signedIn={s} error={problem} />), 400);
    await setPassword(
      deps.db,
      s.account.name,
      await hashPassword(String(form.password), params),
      deps.now(),
      actorOf(s),
    );
    // Every session of the account ended with the change; this one goes on in a new session.
    await endSession(c, deps, s);
    await startSession(c, deps, s.account);
    return c.redirect('/console/password?done=1', 303);
  });

  return app;
}

function PasswordPage(props: { signedIn: SignedIn; error?: string; done?: boolean }) {
  return (
    <Layout title="修改密码" signedIn={props.signedIn} section="password">
      <div class="panel narrow">
        <h1>修改密码</h1>
        {props.done ? <p class="notice ok">密码已修改。其他设备上的登录已全部退出。</p> : null}
        <Alert message={props.error} />
        <form method="post" action="/console/password">
          <CsrfField signedIn={props.signedIn} />
          <label for="current">当前密码</label>
          <input id="current" name="current" type="password" autocomplete="current-password" required />
          <PasswordFields />
          <div class="actions">
            <button type="submit">修改密码</button>
          </div>
        </form>
      </div>
    </Layout>
  );
}
