import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { createCountyApp } from '../../infra/lib/county-app.ts';
import { loadCounties } from '../../infra/lib/county-config.ts';
import { ACKNOWLEDGED_RULES_METADATA, NAG_ACKNOWLEDGEMENTS_CONTEXT } from '../../infra/lib/nag.ts';
import { globalTestCounty, NO_BUNDLING } from './support/synth.ts';

interface Violation {
  ruleName: string;
  severity: string;
  violatingConstructs: { constructPath: string }[];
}
interface ValidationReport {
  pluginReports: { pluginName: string; violations: Violation[] }[];
}

/** Synthesizes into a fresh directory; returns whether synth threw and the validation report CDK wrote. */
function synthWithReport(app: App): { failed: boolean; report: ValidationReport } {
  let failed = false;
  try {
    app.synth();
  } catch {
    failed = true;
  }
  const file = join(app.outdir, 'validation-report.json');
  return { failed, report: JSON.parse(readFileSync(file, 'utf8')) as ValidationReport };
}

const outdirs: string[] = [];
const outdir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'pingyi-nag-'));
  outdirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});
const violationsOf = (report: ValidationReport) => report.pluginReports.flatMap((r) => r.violations);

function acknowledgementsIn(root: IConstruct) {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === ACKNOWLEDGED_RULES_METADATA)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([key, reason]) => ({
          path: construct.node.path,
          id: key.replace(/^\w+::/, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions on every county stack', () => {
  // the shipped counties, one outside China for the S3 failure destination, and one on the older runtime (L1)
  const counties = [...loadCounties(), { ...globalTestCounty(), runtime: 'nodejs22.x' as const }];

  it('synthesizes with no unacknowledged finding from cdk-nag or the CloudFormation checks', () => {
    const { app } = createCountyApp(counties, { context: NO_BUNDLING, outdir: outdir() });
    const { failed, report } = synthWithReport(app);
    expect(violationsOf(report)).toEqual([]);
    expect(failed).toBe(false);
    expect(report.pluginReports.map((r) => r.pluginName)).not.toContain(undefined);
  });

  it('needs every acknowledgement it makes, and gives each a reason', () => {
    const { app: acknowledged } = createCountyApp(counties, { context: NO_BUNDLING });
    const acknowledgements = acknowledgementsIn(acknowledged);
    expect(acknowledgements.length).toBeGreaterThan(0);

    const { app: bare } = createCountyApp(counties, {
      context: { ...NO_BUNDLING, [NAG_ACKNOWLEDGEMENTS_CONTEXT]: false },
      outdir: outdir(),
    });
    const { failed, report } = synthWithReport(bare);
    expect(failed).toBe(true);
    const findings = violationsOf(report).flatMap((v) =>
      v.violatingConstructs.map((c) => ({ id: v.ruleName, path: c.constructPath })),
    );
    for (const ack of acknowledgements) {
      expect(ack.reason.length, `${ack.id} on ${ack.path}`).toBeGreaterThan(40);
      const matched = findings.some((f) => f.id === ack.id && f.path.startsWith(`${ack.path}/`));
      expect(matched, `${ack.id} on ${ack.path} acknowledges nothing`).toBe(true);
    }
    // and nothing but acknowledged findings: the other direction of the first test
    for (const finding of findings) {
      const covered = acknowledgements.some(
        (a) => a.id === finding.id && finding.path.startsWith(`${a.path}/`),
      );
      expect(covered, `${finding.id} on ${finding.path}`).toBe(true);
    }
  });

  it('fails synth on a finding nobody acknowledged', () => {
    const app = new App({ outdir: outdir() });
    const stack = new Stack(app, 'Careless', { env: { region: 'cn-north-1' } });
    new s3.Bucket(stack, 'Open', { enforceSSL: false });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const { failed, report } = synthWithReport(app);
    expect(failed).toBe(true);
    expect(violationsOf(report).map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']),
    );
  });
});
