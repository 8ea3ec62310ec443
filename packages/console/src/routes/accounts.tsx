// Account management for the county admin (create with a set-up link, change role, disable, reset with a
// one-time link) and the county's whole audit log.
import {
  ACCOUNT_NAME,
  type Account,
  listAccounts,
  listCountyAudit,
  ROLES,
  type Role,
  requireAccount,
  updateAccount,
} from '@pingyi/data';
import { Hono } from 'hono';
import { requireRole } from '../access.ts';
import type { ConsoleDeps } from '../deps.ts';
import { InvalidInputError } from '../errors.ts';
import { AuditTable } from '../pages/campaigns.tsx';
import { formatTime, roleLabels } from '../pages/labels.ts';
import { Alert, CsrfField, documentOf, Layout } from '../pages/layout.tsx';
import { createAccountWithLink, newAccountLink } from '../provision.ts';
import { actorOf, type ConsoleEnv, postedForm, signedIn, text } from '../request.ts';
import type { SignedIn } from '../session.ts';

function AccountsPage(props: { signedIn: SignedIn; accounts: Account[]; error?: string; notice?: string }) {
  return (
    <Layout title="账号管理" signedIn={props.signedIn} section="accounts">
      <h1>账号管理</h1>
      {props.notice ? <p class="notice ok">{props.notice}</p> : null}
      <Alert message={props.error} />
      <section class="panel">
        <h2>新建账号</h2>
        <form method="post" action="/console/accounts" class="inline-form">
          <CsrfField signedIn={props.signedIn} />
          <div>
            <label for="new-name">用户名</label>
            <input
              id="new-name"
              name="name"
              type="text"
              required
              pattern="[a-z0-9][a-z0-9._\-]{1,31}"
              autocomplete="off"
            />
          </div>
          <div>
            <label for="new-display">姓名</label>
            <input id="new-display" name="displayName" type="text" required maxlength={40} />
          </div>
          <div>
            <label for="new-role">角色</label>
            <select id="new-role" name="role">
              <option value="organizer">组织者</option>
              <option value="viewer">查看者</option>
              <option value="admin">县级管理员</option>
            </select>
          </div>
          <button type="submit">创建并生成设置链接</button>
        </form>
        <p class="hint">
          用户名：2–32 位小写字母、数字、点、下划线或连字符。创建后把一次性设置链接交给本人，由本人设置密码。
        </p>
      </section>
      <table>
        <thead>
          <tr>
            <th>用户名</th>
            <th>姓名</th>
            <th>角色与状态</th>
            <th>创建时间</th>
            <th>重置密码</th>
          </tr>
        </thead>
        <tbody>
          {props.accounts.map((a) => {
            const self = a.name === props.signedIn.account.name;
            return (
              <tr>
                <td>{a.name}</td>
                <td>{a.displayName}</td>
                <td>
                  {self ? (
                    <span>{roleLabels[a.role]}（当前账号）</span>
                  ) : (
                    <form method="post" action={`/console/accounts/${a.name}`} class="inline-form">
                      <CsrfField signedIn={props.signedIn} />
                      <label class="sr-only" for={`role-${a.name}`}>
                        {a.name} 的角色
                      </label>
                      <select id={`role-${a.name}`} name="role">
                        {ROLES.map((r) => (
                          <option value={r} selected={r === a.role}>
                            {roleLabels[r]}
                          </option>
                        ))}
                      </select>
                      <label class="check">
                        <input type="checkbox" name="disabled" value="on" checked={a.disabled} /> 停用
                      </label>
                      <button type="submit" class="secondary">
                        保存
                      </button>
                    </form>
                  )}
                  {a.passwordHash ? null : <div class="muted">尚未设置密码</div>}
                </td>
                <td>{formatTime(a.createdAt)}</td>
                <td>
                  <form method="post" action={`/console/accounts/${a.name}/link`}>
                    <CsrfField signedIn={props.signedIn} />
                    <button type="submit" class="secondary">
                      生成重置链接
                    </button>
                  </form>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Layout>
  );
}

function LinkPage(props: {
  signedIn: SignedIn;
  account: string;
  url: string;
  validUntil: Date;
  first: boolean;
}) {
  return (
    <Layout title="一次性链接" signedIn={props.signedIn} section="accounts">
      <div class="panel">
        <h1>{props.first ? `账号“${props.account}”已创建` : `账号“${props.account}”的重置链接`}</h1>
        <p>
          请把下面的链接当面或通过可靠渠道交给本人。本人打开后设置密码；链接只能使用一次，
          {formatTime(props.validUntil.toISOString())} 前有效。
        </p>
        <p class="link-box" id="one-time-link">
          {props.url}
        </p>
        <p class="hint">链接不会保存，也不会再次显示。若遗失，请重新生成（旧链接随即失效）。</p>
        <p>
          <a href="/console/accounts">返回账号管理</a>
        </p>
      </div>
    </Layout>
  );
}

const notices: Record<string, string> = { updated: '账号已更新。' };

export function accountRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();

  const admin = (s: SignedIn) => {
    requireRole(s.account, 'admin');
    return s;
  };

  app.get('/accounts', async (c) => {
    const s = admin(signedIn(c));
    const notice = notices[c.req.query('done') ?? ''];
    return c.html(
      documentOf(
        <AccountsPage signedIn={s} accounts={await listAccounts(deps.db)} {...(notice ? { notice } : {})} />,
      ),
    );
  });

  app.post('/accounts', async (c) => {
    const { form, signedIn: raw } = await postedForm(c);
    const s = admin(raw);
    const name = text(form, 'name').toLowerCase();
    const displayName = text(form, 'displayName');
    const role = text(form, 'role') as Role;
    const problem = !ACCOUNT_NAME.test(name)
      ? '用户名须为 2–32 位小写字母、数字、点、下划线或连字符，以字母或数字开头'
      : !displayName || displayName.length > 40
        ? '请填写姓名（最多 40 个字）'
        : !ROLES.includes(role)
          ? '请选择角色'
          : undefined;
    if (problem) {
      return c.html(
        documentOf(<AccountsPage signedIn={s} accounts={await listAccounts(deps.db)} error={problem} />),
        400,
      );
    }
    const { url, validUntil } = await createAccountWithLink(
      deps.db,
      { name, displayName, role },
      deps.now(),
      actorOf(s),
      deps.publicUrl,
    );
    return c.html(
      documentOf(<LinkPage signedIn={s} account={name} url={url} validUntil={validUntil} first />),
      201,
    );
  });

  app.post('/accounts/:name', async (c) => {
    const { form, signedIn: raw } = await postedForm(c);
    const s = admin(raw);
    const target = await requireAccount(deps.db, c.req.param('name'));
    // An admin cannot lock themself out; another admin can change them.
    if (target.name === s.account.name) throw new InvalidInputError('不能修改自己的角色或停用自己');
    const role = text(form, 'role') as Role;
    if (!ROLES.includes(role)) throw new InvalidInputError('请选择角色');
    await updateAccount(
      deps.db,
      target.name,
      { role, disabled: text(form, 'disabled') === 'on' },
      deps.now(),
      actorOf(s),
    );
    return c.redirect('/console/accounts?done=updated', 303);
  });

  app.post('/accounts/:name/link', async (c) => {
    const { signedIn: raw } = await postedForm(c);
    const s = admin(raw);
    const target = await requireAccount(deps.db, c.req.param('name'));
    const purpose = target.passwordHash ? 'reset' : 'setup';
    const { url, validUntil } = await newAccountLink(
      deps.db,
      target.name,
      purpose,
      deps.now(),
      actorOf(s),
      deps.publicUrl,
    );
    return c.html(
      documentOf(
        <LinkPage signedIn={s} account={target.name} url={url} validUntil={validUntil} first={false} />,
      ),
    );
  });

  app.get('/audit', async (c) => {
    const s = admin(signedIn(c));
    const before = c.req.query('before');
    const { entries, next } = await listCountyAudit(deps.db, { limit: 100, ...(before ? { before } : {}) });
    return c.html(
      documentOf(
        <Layout title="操作记录" signedIn={s} section="audit">
          <h1>操作记录（全县）</h1>
          <p class="hint">所有评议活动、账号和登录的记录，新的在前。记录只增不改。</p>
          <AuditTable entries={entries} showCampaign />
          {next ? (
            <p>
              <a href={`/console/audit?before=${encodeURIComponent(next)}`}>更早的记录 →</a>
            </p>
          ) : null}
        </Layout>,
      ),
    );
  });

  return app;
}
