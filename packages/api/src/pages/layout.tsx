// The frame every evaluator page shares: zh-CN, mobile viewport, no external requests, no referrer.
import type { Child } from 'hono/jsx';

const css = `
*{box-sizing:border-box}body{margin:0;font:17px/1.6 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1a1a1a;background:#f4f5f7}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.3rem;margin:.5rem 0}h2{font-size:1.1rem;margin:0 0 .25rem}
.muted{color:#555;font-size:.9rem}
.card{background:#fff;border-radius:10px;padding:1rem;margin:1rem 0;border:1px solid #dde}
fieldset{border:0;padding:0;margin:.75rem 0}legend{font-weight:600;padding:0}
.options{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:.4rem}
.options label{display:flex;align-items:center;gap:.35rem;min-height:44px;padding:.4rem .8rem;border:1px solid #99a;border-radius:8px;background:#fff}
.options input{width:1.2rem;height:1.2rem}
details{margin-top:.5rem}summary{min-height:44px;display:flex;align-items:center;color:#0b57d0}
textarea,input[type=text]{width:100%;font:inherit;padding:.5rem;border:1px solid #99a;border-radius:8px}
button{font:inherit;font-weight:600;width:100%;min-height:48px;border:0;border-radius:10px;background:#b3261e;color:#fff;margin:1rem 0}
.errors{background:#fdecea;border:1px solid #b3261e;border-radius:10px;padding:.75rem 1rem}
.errors li{margin:.2rem 0}
.notice{font-size:1.2rem;text-align:center;padding:2rem 1rem}
.receipt{font:600 1.6rem/1.2 ui-monospace,monospace;letter-spacing:.1em;text-align:center;margin:1rem 0}
`;

export function Layout(props: { title: string; children: Child }) {
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex" />
        <title>{props.title}</title>
        <style>{css}</style>
      </head>
      <body>
        <main>{props.children}</main>
      </body>
    </html>
  );
}
