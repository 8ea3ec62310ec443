// The frame of every console page: Chinese first, the top bar with what this account may open, no script needed.
import type { Child } from 'hono/jsx';
import { scriptIntegrity, scriptPath } from '../script.ts';
import type { SignedIn } from '../session.ts';
import { styles } from '../styles.ts';
import { roleLabels } from './labels.ts';

export type Section = 'campaigns' | 'overdue' | 'accounts' | 'audit' | 'password';

export interface LayoutProps {
  title: string;
  signedIn?: SignedIn | undefined;
  section?: Section;
  /** pages the script enhances (export progress) */
  script?: boolean;
  children: Child;
}

/** Every state-changing form carries the session's token. */
export const CsrfField = (props: { signedIn: SignedIn }) => (
  <input type="hidden" name="_csrf" value={props.signedIn.csrf} />
);

export function Layout({ title, signedIn, section, script, children }: LayoutProps) {
  const current = (s: Section) => (section === s ? { 'aria-current': 'page' as const } : {});
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${title} · 评议管理`}</title>
        <link rel="icon" href="data:," />
        <style dangerouslySetInnerHTML={{ __html: styles }} />
        {script ? <script defer src={scriptPath} integrity={scriptIntegrity} /> : null}
      </head>
      <body>
        <header class="bar">
          <nav class="wrap" aria-label="主导航">
            <span class="brand">评议管理平台</span>
            {signedIn ? (
              <>
                <a href="/console/campaigns" {...current('campaigns')}>
                  评议活动
                </a>
                <a href="/console/measures/overdue" {...current('overdue')}>
                  逾期整改
                </a>
                {signedIn.account.role === 'admin' ? (
                  <>
                    <a href="/console/accounts" {...current('accounts')}>
                      账号管理
                    </a>
                    <a href="/console/audit" {...current('audit')}>
                      操作记录
                    </a>
                  </>
                ) : null}
                <span class="who">
                  <span>
                    {signedIn.account.displayName}（{roleLabels[signedIn.account.role]}）
                  </span>
                  <a href="/console/password" {...current('password')}>
                    修改密码
                  </a>
                  <form method="post" action="/console/logout">
                    <CsrfField signedIn={signedIn} />
                    <button type="submit">退出</button>
                  </form>
                </span>
              </>
            ) : null}
          </nav>
        </header>
        <main class="wrap" id="main">
          {children}
        </main>
      </body>
    </html>
  );
}

/** What went wrong with a form, read out by screen readers as soon as the page shows it. */
export const Alert = (props: { message?: string | undefined }) =>
  props.message ? (
    <p class="notice bad" role="alert">
      {props.message}
    </p>
  ) : null;

/** c.html() emits no doctype: without it the page renders in quirks mode. */
export const documentOf = (page: Child) => `<!DOCTYPE html>${page}`;

export function MessagePage(props: {
  title: string;
  message: string;
  signedIn?: SignedIn | undefined;
  tone?: 'bad' | 'ok';
}) {
  return (
    <Layout title={props.title} signedIn={props.signedIn}>
      <div class="panel narrow">
        <h1>{props.title}</h1>
        <p class={`notice ${props.tone ?? ''}`}>{props.message}</p>
        <p>
          <a href="/console/campaigns">返回评议活动</a>
        </p>
      </div>
    </Layout>
  );
}
