// The export function: run by EventBridge Scheduler in the county's time zone and by ExportRequested events.
import { EVENT_SOURCE, EXPORT_REQUESTED } from '@pingyi/reports/events';
import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';
import { PingyiFunction } from './pingyi-function.ts';

export interface ReportExportProps {
  readonly table: dynamodb.Table;
  readonly reportsBucket: s3.Bucket;
  readonly bus: events.EventBus;
  /** EventBridge Scheduler expression, evaluated in `timeZone` */
  readonly schedule: string;
  readonly timeZone: string;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
}

/** Read by the export handler as "the schedule" (anything that is not ExportRequested). */
export const SCHEDULED_EVENT = {
  version: '0',
  id: scheduler.ContextAttribute.executionId,
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  time: scheduler.ContextAttribute.scheduledTime,
  resources: [scheduler.ContextAttribute.scheduleArn],
  detail: {},
};

export class ReportExport extends Construct {
  public readonly handler: PingyiFunction;
  /** every export that failed for good: async invocations, rule deliveries and schedule deliveries */
  public readonly failures: sqs.Queue;
  public readonly schedule: scheduler.Schedule;
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: ReportExportProps) {
    super(scope, id);
    this.failures = new sqs.Queue(this, 'Failures', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledge(
      this.failures,
      'SQS3',
      'This queue is the dead-letter destination of the export; its depth is alarmed.',
    );

    // 1769 MB is one full vCPU (Excel rendering is CPU-bound); 15 min for the largest raw exports.
    this.handler = new PingyiFunction(this, 'Export', {
      entry: 'functions/export/handler.ts',
      description: 'Pingyi: writes XLSX, CSV and printable notice (gongshi) reports to the reports bucket',
      memorySize: 1769,
      timeout: Duration.minutes(15),
      logRetention: props.logRetention,
      environment: props.environment,
    });
    const fn = this.handler.function;
    fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.failures),
    });
    // reads campaigns, aggregates, comments and (for raw exports) scans ballots; writes report records
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:PutItem',
        ],
        resources: [props.table.tableArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${props.table.tableArn}/index/*`],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
        resources: [props.reportsBucket.arnForObjects('campaigns/*')],
      }),
    );

    this.rule = new events.Rule(this, 'ExportRequested', {
      eventBus: props.bus,
      description: 'ExportRequested events from the api function to the export function',
      eventPattern: { source: [EVENT_SOURCE], detailType: [EXPORT_REQUESTED] },
      targets: [
        new targets.LambdaFunction(fn, {
          deadLetterQueue: this.failures,
          retryAttempts: 4,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });

    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets EventBridge Scheduler invoke the Pingyi export function',
    });
    acknowledge(
      scheduleRole,
      `IAM5[Resource::<${Stack.of(this).getLogicalId(fn.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
      'CDK grants invoke on the function and its versions (<arn>:*); the schedule calls only this function.',
    );
    // EventBridge Scheduler (not a scheduled rule): rules evaluate cron in UTC only, schedules in a time zone.
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'Pingyi: scheduled report export',
      schedule: scheduler.ScheduleExpression.expression(props.schedule, TimeZone.of(props.timeZone)),
      target: new LambdaInvoke(fn, {
        role: scheduleRole,
        input: scheduler.ScheduleTargetInput.fromObject(SCHEDULED_EVENT),
        deadLetterQueue: this.failures,
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      }),
    });

    acknowledge(
      this.handler.role,
      `IAM5[Resource::<${logicalId(props.table)}.Arn>/index/*]`,
      'The campaign listing reads the campaignsByCreation index; index ARNs are table/<name>/index/<index>.',
    );
    acknowledge(
      this.handler.role,
      `IAM5[Resource::<${logicalId(props.reportsBucket)}.Arn>/campaigns/*]`,
      'Report keys are campaigns/<campaign>/reports/<report>/<file>, made per export; writes stay under campaigns/.',
    );
  }
}

function logicalId(construct: dynamodb.Table | s3.Bucket): string {
  const resource = construct.node.defaultChild as dynamodb.CfnTable | s3.CfnBucket;
  return construct.stack.getLogicalId(resource);
}
