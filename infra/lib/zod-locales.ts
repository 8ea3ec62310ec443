// What `z.locales` holds in a Lambda bundle: the default (en) and the one the app sets (zhCN), not zod's 45.
// @hono/zod-openapi hands the whole `z` namespace to zod-to-openapi at import, so esbuild cannot drop the locales no
// one reads: about 250 KB of every function's cold start. A locale used anywhere must be listed here.
export { default as en } from 'zod/v4/locales/en.js';
export { default as zhCN } from 'zod/v4/locales/zh-CN.js';
