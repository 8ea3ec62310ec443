// The frame every evaluator page shares: its language, mobile viewport, inline styles allowed by hash, the one
// deferred script, no external requests, no referrer.
import type { Child } from 'hono/jsx';
import { scriptIntegrity, scriptPath, styles } from '../assets/index.ts';
import type { Lang } from './text.ts';

export interface LayoutProps {
  title: string;
  lang?: Lang;
  /** the campaign band at the top: organizer above, campaign title below */
  campaign?: { title: string; organizer: string };
  /** the campaign title is the page's heading (the ballot); otherwise the page has its own h1 */
  campaignHeading?: boolean;
  /** pages the script enhances: the ballot, and the pages that may finish or remember a submit */
  script?: boolean;
  /** a second inline stylesheet (the public pages'), allowed by its own hash in their CSP */
  extraStyles?: string;
  children: Child;
}

export function Layout({
  title,
  lang = 'zh-CN',
  campaign,
  campaignHeading,
  script,
  extraStyles,
  children,
}: LayoutProps) {
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="format-detection" content="telephone=no" />
        <meta name="theme-color" content="#9f1c1c" />
        <title>{title}</title>
        <link rel="icon" href="data:," />
        {/* raw: escaping would break the CSS and its CSP hash */}
        <style dangerouslySetInnerHTML={{ __html: styles }} />
        {extraStyles ? <style dangerouslySetInnerHTML={{ __html: extraStyles }} /> : null}
        {script ? <script defer src={scriptPath} integrity={scriptIntegrity} /> : null}
      </head>
      <body>
        <header class="top">
          <div class="wrap">
            {campaign ? (
              <>
                <p>{campaign.organizer}</p>
                {campaignHeading ? <h1>{campaign.title}</h1> : <p class="name">{campaign.title}</p>}
              </>
            ) : (
              <p>{lang === 'en' ? 'Public evaluation 群众评议' : '群众评议'}</p>
            )}
          </div>
        </header>
        {children}
      </body>
    </html>
  );
}

/** c.html() emits no doctype: without it the page renders in quirks mode. */
export const documentOf = (page: Child) => `<!DOCTYPE html>${page}`;
