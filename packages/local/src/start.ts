// `npm start`: the whole platform on this machine, with a demo campaign ready to vote.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { ensureFirstAdmin } from '@pingyi/console';
import { listCampaigns } from '@pingyi/data';
import { startLocalStack } from './stack.ts';

const root = resolve(import.meta.dirname, '../../..');
const dataDir = resolve(process.env.PINGYI_DATA_DIR ?? join(root, '.data'));
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
  console.error(`PORT 无效：${process.env.PORT}`);
  process.exit(1);
}
/**
 * This machine only, unless HOST says otherwise (e.g. HOST=0.0.0.0 to try the ballot page from a phone on the same
 * Wi-Fi). DynamoDB Local and the local S3 server stay on 127.0.0.1 whatever HOST is: they have no authentication.
 */
const host = process.env.HOST || '127.0.0.1';
const loopback = host === 'localhost' || host === '::1' || host.startsWith('127.');
const baseUrl = (process.env.PINGYI_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
mkdirSync(dataDir, { recursive: true });

/** A value kept in the data folder so that codes and tokens stay valid across restarts. */
function persisted(name: string, make: () => string): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

const adminToken =
  process.env.PINGYI_ADMIN_TOKEN ?? persisted('admin-token', () => randomBytes(24).toString('base64url'));
if (adminToken.length < 16) {
  console.error('PINGYI_ADMIN_TOKEN 至少需要 16 个字符');
  process.exit(1);
}
const codeSecret = Buffer.from(persisted('code-secret', () => randomBytes(32).toString('base64url')));
const checkpointFile = join(dataDir, 'stream-checkpoint.json');

const log = (msg: string, extra?: object) => {
  if (process.env.PINGYI_LOG_LEVEL === 'debug') console.log(JSON.stringify({ msg, ...extra }));
};

let stack: Awaited<ReturnType<typeof startLocalStack>>;
try {
  stack = await startLocalStack({
    dbPath: join(dataDir, 'dynamodb'),
    s3Dir: join(dataDir, 's3'),
    exportIntervalMs: Number(process.env.PINGYI_EXPORT_INTERVAL_MS ?? 5 * 60_000),
    tableName: 'pingyi',
    codeSecret,
    adminToken,
    publicUrl: baseUrl,
    log,
    checkpoint: {
      async load() {
        return existsSync(checkpointFile) ? JSON.parse(readFileSync(checkpointFile, 'utf8')) : {};
      },
      async save(shardId, sequenceNumber) {
        const all = existsSync(checkpointFile) ? JSON.parse(readFileSync(checkpointFile, 'utf8')) : {};
        // Write then rename: a kill mid-write must never leave a truncated checkpoint behind.
        writeFileSync(`${checkpointFile}.tmp`, JSON.stringify({ ...all, [shardId]: sequenceNumber }));
        renameSync(`${checkpointFile}.tmp`, checkpointFile);
      },
    },
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

// PINGYI_AGGREGATION=off: the API alone, as it runs on its own Lambda (`npm run bench` measures its CPU per ballot).
if (process.env.PINGYI_AGGREGATION === 'off') await stack.poller.stop();

// Where this run's engines listen, for tools such as `npm run recount`.
writeFileSync(
  join(dataDir, 'runtime.json'),
  JSON.stringify(
    { baseUrl, dynamoEndpoint: stack.endpoint, s3Endpoint: stack.s3Endpoint, pid: process.pid },
    null,
    2,
  ),
);
const demo = await ensureDemoCampaign();
const firstAdmin = await ensureFirstAdmin(stack.db, new Date(), baseUrl);
const server = serve({ fetch: stack.app.fetch, port, hostname: host });

console.log(`
Pingyi 评议 — 本地运行中 / running locally
  地址 Base URL:        ${baseUrl}  (listening on ${host}:${port})
  管理控制台 Console:    ${baseUrl}/console${
    firstAdmin
      ? `\n  首位管理员 First admin: 账号 ${firstAdmin.name}，用此一次性链接设置密码 / set its password once at\n                       ${firstAdmin.url}`
      : ''
  }
  服务凭证 Service token: ${adminToken}  (API 自动化 / for automation: Authorization: Bearer …)
  OpenAPI:             ${baseUrl}/api/openapi.json
  数据目录 Data:         ${dataDir}
  报告存储 Reports S3:   ${stack.s3Endpoint} (bucket pingyi-reports; exported every ${Math.round(Number(process.env.PINGYI_EXPORT_INTERVAL_MS ?? 300_000) / 60_000)} min while open)

演示活动 Demo campaign ${demo.id}: ${demo.title}
  党员评议码 (party):   ${demo.codes.slice(0, 3).join('\n                       ')}
  公开链接 (public):     ${demo.openLink}
  实时结果 Results:      curl -H "Authorization: Bearer ${adminToken}" ${baseUrl}/api/campaigns/${demo.id}/results
  报告 Reports:          curl -H "Authorization: Bearer ${adminToken}" ${baseUrl}/api/campaigns/${demo.id}/reports

Ctrl-C 停止 / to stop.`);
if (!loopback) {
  console.warn(`
注意 / Warning: HOST=${host} — 本机以外的设备也能访问本服务（包括组织者接口）。仅在可信网络中使用。
  Other machines can reach this server, organizer routes included. Use it on a trusted network only.`);
}

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  server.close();
  await stack.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
// `npm start` puts npm and a shell above us; if they are killed we are re-parented: stop too, never linger.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown(0);
}, 1000).unref();

/** The shipped example, with its window moved to include now, opened, with codes: ready to vote. */
async function ensureDemoCampaign(): Promise<{
  id: string;
  title: string;
  codes: string[];
  openLink: string;
}> {
  const demoFile = join(dataDir, 'demo.json');
  if (existsSync(demoFile) && (await listCampaigns(stack.db)).length > 0) {
    return JSON.parse(readFileSync(demoFile, 'utf8'));
  }
  const example = JSON.parse(readFileSync(join(root, 'examples/education-bureau.campaign.json'), 'utf8'));
  const now = Date.now();
  const window = {
    opensAt: new Date(now - 3_600_000).toISOString(),
    closesAt: new Date(now + 30 * 86_400_000).toISOString(),
  };
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const call = async <T>(path: string, body?: unknown): Promise<T> => {
    const init: RequestInit = { method: 'POST', headers };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await stack.app.request(path, init);
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const { id } = await call<{ id: string }>('/api/campaigns', {
    ...example,
    title: `【演示】${example.title}`,
    window,
  });
  await call(`/api/campaigns/${id}/open`);
  const { codes } = await call<{ codes: { url: string }[] }>(`/api/campaigns/${id}/codes`, {
    group: 'party',
    count: 20,
  });
  await call(`/api/campaigns/${id}/codes`, { group: 'staff', count: 20 });
  const links = (await (await stack.app.request(`/api/campaigns/${id}/links`, { headers })).json()) as Record<
    string,
    string
  >;
  const demo = {
    id,
    title: `【演示】${example.title}`,
    codes: codes.map((c) => c.url),
    openLink: links.public ?? '',
  };
  writeFileSync(demoFile, JSON.stringify(demo, null, 2));
  return demo;
}
