// One county's isolated stack: its own table, buckets, secrets, event bus, API, functions and alarms.
import { API_REQUEST_TIMEOUT_MS } from '@pingyi/data/timing';
import { COUNT_MISMATCH_METRIC, METRIC_NAMESPACE } from '@pingyi/reports/events';
import { Annotations, type CfnElement, CfnOutput, Duration, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { Construct } from 'constructs';
import { Aggregation, type FailureMode } from './aggregation.ts';
import { BallotTable } from './ballot-table.ts';
import { CountyAlarms, FIVE_MINUTES } from './county-alarms.ts';
import { type CountyConfig, NODE_RUNTIMES, type NodeRuntime } from './county-config.ts';
import { CountySecrets } from './county-secrets.ts';
import { acknowledge } from './nag.ts';
import { PingyiFunction, RUNTIME_CONTEXT } from './pingyi-function.ts';
import { PrivateBucket } from './private-bucket.ts';
import { PublicApi } from './public-api.ts';
import { ReportExport } from './report-export.ts';

export interface CountyStackProps extends StackProps {
  readonly county: CountyConfig;
  /** the day of the synth, for the runtime's end-of-support warning @default now */
  readonly today?: Date;
}

/** Days before a runtime's deprecation from which every synth of a county on it warns. */
export const RUNTIME_WARNING_DAYS = 180;

/** Days a failed stream batch is kept: long enough to be looked at, the ballots themselves stay in the table. */
const FAILED_BATCH_DAYS = 90;

export const stackIdOf = (code: string) => `Pingyi-${code}`;

/** The partition of a region (`aws-cn` for cn-north-1 and cn-northwest-1). */
export function partitionOf(region: string): string {
  const partition = RegionInfo.get(region).partition;
  if (!partition) throw new Error(`unknown AWS region ${region}`);
  return partition;
}

export class CountyStack extends Stack {
  public readonly county: CountyConfig;
  public readonly partitionName: string;
  public readonly table: BallotTable;
  public readonly secrets: CountySecrets;
  public readonly reports: PrivateBucket;
  public readonly failures: PrivateBucket;
  public readonly bus: events.EventBus;
  public readonly api: PingyiFunction;
  public readonly publicApi: PublicApi;
  public readonly aggregation: Aggregation;
  public readonly export: ReportExport;
  public readonly alarms: CountyAlarms;

  constructor(scope: Construct, id: string, props: CountyStackProps) {
    const { county } = props;
    super(scope, id, {
      description: `Pingyi 评议: ${county.fullName} (${county.code})`,
      terminationProtection: true,
      ...props,
      env: { region: county.region, ...(county.account ? { account: county.account } : {}), ...props.env },
    });
    this.county = county;
    // before any function is added: PingyiFunction reads the county's runtime from here
    this.node.setContext(RUNTIME_CONTEXT, county.runtime);
    this.warnOfRuntimeEnd(county.runtime, props.today ?? new Date());
    this.partitionName = partitionOf(county.region);
    const logRetention = county.retention.logDays as logs.RetentionDays;
    // Event source mapping tags are not available in the China regions (docs.amazonaws.cn lambda.html).
    for (const [key, value] of Object.entries({ 'pingyi:county': county.code, 'pingyi:app': 'pingyi' })) {
      Tags.of(this).add(key, value, { excludeResourceTypes: ['AWS::Lambda::EventSourceMapping'] });
    }

    this.table = new BallotTable(this, 'Ballots', { backupDays: county.retention.backupDays });
    const table = this.table.table;
    this.secrets = new CountySecrets(this, 'Secrets');
    this.reports = new PrivateBucket(this, 'Reports', {
      expireAfterDays: county.reports.retentionDays,
      noAccessLogReason:
        'Reports are read only through presigned URLs that the api function signs on demand behind organizer ' +
        'auth, and those calls are in the API access log; a server access log would add a bucket per county ' +
        "and record downloaders' IP addresses.",
    });
    this.failures = new PrivateBucket(this, 'FailedBatches', {
      expireAfterDays: FAILED_BATCH_DAYS,
      noAccessLogReason:
        'Only Lambda writes here (failed stream batches) and only operators read, through the console; each ' +
        'write raises an alarm, which is the record that matters.',
    });
    this.bus = new events.EventBus(this, 'Bus', { description: 'Pingyi: ExportRequested events' });

    const baseEnv = { PINGYI_TABLE: table.tableName, PINGYI_LOG_LEVEL: 'info' };
    // Only the api verifies codes and organizers: only it gets the secrets' ARNs and may read them.
    const secretEnv = {
      ...baseEnv,
      PINGYI_CODE_SECRET_ARN: this.secrets.codeSigningKey.secretArn,
      PINGYI_ADMIN_TOKEN_ARN: this.secrets.adminToken.secretArn,
    };
    this.api = new PingyiFunction(this, 'Api', {
      entry: 'functions/api/handler.ts',
      description: 'Pingyi: HTTP API and ballot pages',
      // 1 GB: server-rendered pages and zod validation are CPU-bound, and Lambda's CPU scales with memory
      memorySize: 1024,
      // A closing report waits this long (plus the campaign cache) for requests that may still accept a ballot.
      timeout: Duration.millis(API_REQUEST_TIMEOUT_MS),
      logRetention,
      environment: {
        ...secretEnv,
        PINGYI_REPORTS_BUCKET: this.reports.bucket.bucketName,
        PINGYI_EVENT_BUS: this.bus.eventBusName,
      },
    });
    this.publicApi = new PublicApi(this, 'PublicApi', {
      handler: this.api.function,
      rateLimit: county.throttle.rateLimit,
      burstLimit: county.throttle.burstLimit,
      logRetention,
      ...(county.customDomain ? { customDomain: county.customDomain } : {}),
    });
    const publicUrl = this.publicApi.publicUrl;
    this.api.function.addEnvironment('PINGYI_PUBLIC_URL', publicUrl);
    this.grantApi();

    const failureMode: FailureMode = this.partitionName === 'aws' ? 's3-destination' : 'sqs-and-archiver';
    this.aggregation = new Aggregation(this, 'Aggregation', {
      table,
      failuresBucket: this.failures.bucket,
      failureMode,
      logRetention,
      environment: { ...baseEnv, PINGYI_PUBLIC_URL: publicUrl },
    });

    this.export = new ReportExport(this, 'Export', {
      table,
      reportsBucket: this.reports.bucket,
      bus: this.bus,
      schedule: county.reports.schedule,
      timeZone: county.timeZone,
      logRetention,
      environment: {
        ...baseEnv,
        PINGYI_PUBLIC_URL: publicUrl,
        PINGYI_REPORTS_BUCKET: this.reports.bucket.bucketName,
      },
    });

    this.alarms = new CountyAlarms(this, 'Alarms', { email: county.alarmEmail, countyCode: county.code });
    this.addAlarms();

    new CfnOutput(this, 'ApiUrl', { value: publicUrl, description: 'base address printed on QR slips' });
    new CfnOutput(this, 'ApiEndpoint', { value: this.publicApi.api.apiEndpoint });
    new CfnOutput(this, 'ReportsBucketName', { value: this.reports.bucket.bucketName });
    new CfnOutput(this, 'TableName', {
      value: table.tableName,
      description: 'PINGYI_TABLE for npm run recount',
    });
    new CfnOutput(this, 'FailedBatchesBucketName', { value: this.failures.bucket.bucketName });
    new CfnOutput(this, 'AdminTokenSecretArn', { value: this.secrets.adminToken.secretArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    if (this.publicApi.domain) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: this.publicApi.domain.regionalDomainName,
        description: 'CNAME target for the custom domain',
      });
    }
  }

  /**
   * A synth (and so `cdk diff` and `cdk deploy`) warns from half a year before the runtime's deprecation: after
   * its "block function create" date a new county cannot be deployed on it, after "block update" no county can.
   */
  private warnOfRuntimeEnd(runtime: NodeRuntime, today: Date): void {
    const { deprecation, blockCreate, blockUpdate } = NODE_RUNTIMES[runtime];
    const warnFrom = Date.parse(deprecation) - RUNTIME_WARNING_DAYS * 86_400_000;
    if (today.getTime() < warnFrom) return;
    Annotations.of(this).addWarningV2(
      'pingyi:runtime-end',
      `Lambda ${runtime} is deprecated on ${deprecation}; creating functions on it stops on ${blockCreate}, ` +
        `updating them on ${blockUpdate}. Set "runtime" in infra/counties/${this.county.code}.json to a newer ` +
        'one the region offers (ADR 0002).',
    );
  }

  /** The api function: ballots, campaigns, codes, results and report records; report links; export requests. */
  private grantApi(): void {
    const fn = this.api.function;
    const table = this.table.table;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:ConditionCheckItem',
          // a committed paper batch deletes its staged entries; a rehearsal's wipe deletes its ballots
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
        ],
        resources: [table.tableArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${table.tableArn}/index/*`] }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        // DeleteObject: a rehearsal's wipe removes its report files (never a formal campaign's)
        actions: ['s3:GetObject', 's3:DeleteObject'],
        resources: [this.reports.bucket.arnForObjects('campaigns/*')],
      }),
    );
    this.bus.grantPutEventsTo(fn);
    this.secrets.grantRead(fn);
    const tableId = this.getLogicalId(table.node.defaultChild as CfnElement);
    const bucketId = this.getLogicalId(this.reports.bucket.node.defaultChild as CfnElement);
    acknowledge(
      this.api.role,
      `IAM5[Resource::<${tableId}.Arn>/index/*]`,
      'The campaign list reads the campaignsByCreation index; index ARNs are table/<name>/index/<index>.',
    );
    acknowledge(
      this.api.role,
      `IAM5[Resource::<${bucketId}.Arn>/campaigns/*]`,
      "Report links are presigned per file under campaigns/<campaign>/reports/, and a rehearsal's wipe deletes its files there; no access outside that prefix.",
    );
  }

  private addAlarms(): void {
    const add = this.alarms.add.bind(this.alarms);
    const sum = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM };
    const api = this.api.function;
    const aggregate = this.aggregation.handler.function;
    const exporter = this.export.handler.function;

    add('Api5xx', {
      metric: this.publicApi.api.metricServerError(sum),
      threshold: 5,
      description: 'The HTTP API answered 5xx at least 5 times in 5 minutes (ballots may be failing).',
    });
    add('ApiThrottles', {
      metric: api.metricThrottles(sum),
      threshold: 1,
      description: 'The api function was throttled (account concurrency exhausted).',
    });
    add('AggregateThrottles', {
      metric: aggregate.metricThrottles(sum),
      threshold: 1,
      description: 'The aggregate function was throttled; live results fall behind.',
    });
    add('ExportThrottles', {
      metric: exporter.metricThrottles(sum),
      threshold: 1,
      description: 'The export function was throttled.',
    });
    add('TableWriteThrottles', {
      metric: new cloudwatch.Metric({
        namespace: 'AWS/DynamoDB',
        metricName: 'WriteThrottleEvents',
        dimensionsMap: { TableName: this.table.table.tableName },
        ...sum,
      }),
      threshold: 1,
      description: 'DynamoDB throttled writes (a hot key or an account limit).',
    });
    add('AggregateIteratorAge', {
      metric: aggregate.metric('IteratorAge', { period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 60_000,
      periods: 2,
      description: 'Live results lag the ballots by more than a minute for 10 minutes.',
    });
    add('AggregateErrors', {
      metric: aggregate.metricErrors(sum),
      threshold: 1,
      description:
        'The aggregate function failed a batch (it is retried, then given up to the failures bucket).',
    });
    if (this.aggregation.failedBatches && this.aggregation.archiverDeadLetters) {
      add('AggregateFailedBatches', {
        metric: this.aggregation.failedBatches.metric('NumberOfMessagesSent', sum),
        threshold: 1,
        description: 'A stream batch was given up after its retries: its ballots are not in the live counts.',
      });
      add('FailedBatchesNotArchived', {
        metric: this.aggregation.archiverDeadLetters.metricApproximateNumberOfMessagesVisible({
          period: FIVE_MINUTES,
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 1,
        description: 'A failed batch could not be read back from the stream (stream records live 24 h).',
      });
    } else {
      this.failures.bucket.addMetric({ id: 'All' });
      add('AggregateFailedBatches', {
        metric: new cloudwatch.Metric({
          namespace: 'AWS/S3',
          metricName: 'PutRequests',
          dimensionsMap: { BucketName: this.failures.bucket.bucketName, FilterId: 'All' },
          ...sum,
        }),
        threshold: 1,
        description: 'A stream batch was given up after its retries: its ballots are not in the live counts.',
      });
    }
    add('ExportErrors', {
      metric: exporter.metricErrors(sum),
      threshold: 1,
      description: 'An export run failed (it is retried; the next scheduled run tries again).',
    });
    add('ClosingCountMismatch', {
      metric: new cloudwatch.Metric({
        namespace: METRIC_NAMESPACE,
        metricName: COUNT_MISMATCH_METRIC,
        dimensionsMap: { FunctionName: exporter.functionName },
        ...sum,
      }),
      threshold: 1,
      description:
        'A closing report found the live aggregates differing from the recount of the ballots (the report uses the ' +
        'recount): run npm run recount -- <campaign> --repair.',
    });
    add('ExportFailures', {
      metric: this.export.failures.metricApproximateNumberOfMessagesVisible({
        period: FIVE_MINUTES,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      description: 'An export request or scheduled run failed for good (see the export failures queue).',
    });
  }
}
