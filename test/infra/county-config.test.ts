import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  CountyConfigError,
  loadCounties,
  loadCounty,
  parseCountyConfig,
  readCountyConfig,
} from '../../infra/lib/county-config.ts';
import { REPO_ROOT } from '../../infra/lib/pingyi-function.ts';

const valid = {
  code: '622921',
  name: '临夏县',
  fullName: '甘肃省临夏回族自治州临夏县',
  region: 'cn-northwest-1',
  timeZone: 'Asia/Shanghai',
  reports: { schedule: 'cron(0 20 * * ? *)', retentionDays: 1095 },
  retention: { logDays: 180, backupDays: 35 },
  alarmEmail: 'ops@example.com',
};

const errorOf = (raw: unknown) => {
  try {
    parseCountyConfig(raw, 'infra/counties/622921.json');
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the config to be rejected');
};

describe('shipped county configs', () => {
  it('ships at least two valid counties, most of them in the China regions', () => {
    const counties = loadCounties();
    expect(counties.length).toBeGreaterThanOrEqual(2);
    expect(new Set(counties.map((c) => c.code)).size).toBe(counties.length);
    const inChina = counties.filter((c) => c.region.startsWith('cn-'));
    expect(inChina.length).toBeGreaterThan(counties.length / 2);
  });

  it('loads one county by its code and refuses a code that is not six digits', () => {
    expect(loadCounty('622921').name).toBe('临夏县');
    expect(() => loadCounty('../622921')).toThrow(CountyConfigError);
    expect(() => loadCounty('999999')).toThrow(/no county config .*999999\.json/);
  });

  it('fills in the default throttle when a config leaves it out', () => {
    expect(parseCountyConfig(valid, 'inline').throttle).toEqual({ rateLimit: 200, burstLimit: 400 });
  });

  it('runs on nodejs24.x unless a config chooses nodejs22.x', () => {
    expect(parseCountyConfig(valid, 'inline').runtime).toBe('nodejs24.x');
    expect(parseCountyConfig({ ...valid, runtime: 'nodejs22.x' }, 'inline').runtime).toBe('nodejs22.x');
  });
});

describe('a broken county config fails with a message naming the field', () => {
  it.each([
    ['code', { ...valid, code: '622900' }, /code: a county-level GB\/T 2260 code does not end in 00/],
    ['region', { ...valid, region: 'beijing' }, /region: an AWS region/],
    ['timeZone', { ...valid, timeZone: 'Asia/Beijing-ish' }, /timeZone: an IANA time zone/],
    [
      'reports.schedule',
      { ...valid, reports: { ...valid.reports, schedule: '0 20 * * *' } },
      /reports\.schedule: cron/,
    ],
    [
      'retention.logDays',
      { ...valid, retention: { ...valid.retention, logDays: 100 } },
      /retention\.logDays: one of 1, 3, 5/,
    ],
    [
      'retention.backupDays',
      { ...valid, retention: { ...valid.retention, backupDays: 36 } },
      /retention\.backupDays/,
    ],
    ['alarmEmail', { ...valid, alarmEmail: 'ops at example' }, /alarmEmail/],
    [
      'customDomain.certificateArn',
      { ...valid, customDomain: { domainName: 'py.example.cn', certificateArn: 'my-cert' } },
      /customDomain\.certificateArn/,
    ],
    ['an unknown key', { ...valid, tabel: 'x' }, /tabel|Unrecognized key/],
    ['runtime', { ...valid, runtime: 'nodejs20.x' }, /runtime: one of nodejs24\.x, nodejs22\.x/],
  ])('%s', (_field, raw, message) => {
    const error = errorOf(raw);
    expect(error).toBeInstanceOf(CountyConfigError);
    expect(error.message).toMatch(/^invalid county config infra\/counties\/622921\.json: /);
    expect(error.message).toMatch(message);
  });

  it('names every invalid field at once', () => {
    const error = errorOf({ ...valid, region: 'x', alarmEmail: 'y' });
    expect(error.message).toMatch(/region: /);
    expect(error.message).toMatch(/alarmEmail: /);
  });

  it('refuses a file whose name is not its code, and a file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pingyi-county-'));
    writeFileSync(join(dir, '330782.json'), JSON.stringify(valid));
    expect(() => readCountyConfig(join(dir, '330782.json'))).toThrow(
      /code: 622921 does not match the file name 330782\.json/,
    );
    writeFileSync(join(dir, '622921.json'), '{ "code": ');
    expect(() => readCountyConfig(join(dir, '622921.json'))).toThrow(/not valid JSON/);
  });
});

describe('the CDK app entry', () => {
  /** Runs infra/bin/app.ts as the CDK CLI would, with `-c county=<code>` and a directory of configs. */
  async function runApp(countiesDir: string, county: string) {
    const outdir = mkdtempSync(join(tmpdir(), 'pingyi-app-'));
    try {
      await promisify(execFile)('npx', ['tsx', 'infra/bin/app.ts'], {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          PINGYI_COUNTIES_DIR: countiesDir,
          CDK_CONTEXT_JSON: JSON.stringify({ county, 'aws:cdk:bundling-stacks': [] }),
          CDK_OUTDIR: outdir,
        },
      });
      return { code: 0, stderr: '' };
    } catch (error) {
      const failed = error as { code: number; stderr: string };
      return { code: failed.code, stderr: failed.stderr };
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }

  it('stops synth with the file and the field of a broken config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pingyi-counties-'));
    writeFileSync(join(dir, '622921.json'), JSON.stringify({ ...valid, timeZone: 'Mars/Olympus_Mons' }));
    const broken = await runApp(dir, '622921');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(
      `invalid county config ${join(dir, '622921.json')}: timeZone: an IANA time zone`,
    );
  });
});
