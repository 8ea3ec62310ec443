// The aggregate function on the table stream, and where a batch it gives up on goes (with its records).
import { countedInsertFilters } from '@pingyi/data/table';
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';
import { PingyiFunction } from './pingyi-function.ts';

/**
 * The event source mapping's settings (ADR 0001, ADR 0002).
 * - batchSize 1000 (DynamoDB's maximum): a batch costs one UpdateItem per aggregate item it touches, whatever
 *   its size, so bigger batches mean fewer writes per ballot; Lambda also caps a batch at 6 MB of payload.
 * - maxBatchingWindow 1 s: live results lag by about a second, and a hot aggregate item (the campaign's) gets
 *   at most about one write per second per shard, far below a key's ~1,000 writes/s.
 * - tumblingWindow 30 s: only so that Lambda passes `shardId` (exact counting keys its marks by shard); the
 *   handler keeps no window state, and each window adds one near-empty final invocation per active shard.
 * - parallelizationFactor 1: two concurrent batches of one shard could apply a later sequence number to an
 *   aggregate item first, and the high-water mark would then reject the earlier batch. Never raise it.
 * - startingPosition TRIM_HORIZON: a recreated mapping re-reads the last 24 h instead of skipping ballots;
 *   the high-water marks make the re-read free of double counts.
 * - retryAttempts 10, maxRecordAge 6 h, bisect on error, partial batch responses: a poison record is isolated
 *   and given up within hours, not after the stream's 24 h, which leaves the archiver time to read it back.
 */
export const STREAM_SETTINGS = {
  batchSize: 1000,
  maxBatchingWindow: Duration.seconds(1),
  tumblingWindow: Duration.seconds(30),
  parallelizationFactor: 1,
  startingPosition: lambda.StartingPosition.TRIM_HORIZON,
  retryAttempts: 10,
  maxRecordAge: Duration.hours(6),
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
} as const;

/**
 * The failure destination by partition. Lambda's S3 on-failure destination keeps a failed batch's records, but
 * "Amazon S3 as a destination for Kinesis, DynamoDB and asynchronous invocations is not available in the China
 * Regions" (docs.amazonaws.cn/aws/latest/userguide/lambda.html). There the mapping sends the batch's
 * coordinates to SQS, and the archiver stores the records it reads back from the stream in the same bucket.
 */
export type FailureMode = 's3-destination' | 'sqs-and-archiver';

export interface AggregationProps {
  readonly table: dynamodb.Table;
  /** where failed batches are kept, with their records */
  readonly failuresBucket: s3.Bucket;
  readonly failureMode: FailureMode;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
}

/** The S3 destination with only the two permissions Lambda needs (CDK's own grants read and delete too). */
class S3FailureDestination implements lambda.IEventSourceDlq {
  constructor(private readonly bucket: s3.IBucket) {}
  bind(_target: lambda.IEventSourceMapping, handler: lambda.IFunction): lambda.DlqDestinationConfig {
    handler.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects('*')] }),
    );
    handler.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
    return { destination: this.bucket.bucketArn };
  }
}

export class Aggregation extends Construct {
  public readonly handler: PingyiFunction;
  public readonly eventSource: DynamoEventSource;
  /** China: batch coordinates from the mapping */
  public readonly failedBatches?: sqs.Queue;
  /** China: messages the archiver could not store either */
  public readonly archiverDeadLetters?: sqs.Queue;
  public readonly archiver?: PingyiFunction;

  constructor(scope: Construct, id: string, props: AggregationProps) {
    super(scope, id);
    this.handler = new PingyiFunction(this, 'Aggregate', {
      entry: 'functions/aggregate/handler.ts',
      description: 'Pingyi: sums ballot inserts from the table stream into aggregate items',
      memorySize: 512,
      timeout: Duration.seconds(60),
      logRetention: props.logRetention,
      environment: props.environment,
    });
    const fn = this.handler.function;
    // the aggregator only adds to aggregate items (one UpdateItem each, with a condition on its mark)
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [props.table.tableArn] }),
    );

    let onFailure: lambda.IEventSourceDlq;
    if (props.failureMode === 's3-destination') {
      onFailure = new S3FailureDestination(props.failuresBucket);
    } else {
      this.archiverDeadLetters = new sqs.Queue(this, 'ArchiverDeadLetters', {
        retentionPeriod: Duration.days(14),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      this.failedBatches = new sqs.Queue(this, 'FailedBatches', {
        retentionPeriod: Duration.days(14),
        visibilityTimeout: Duration.minutes(6),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: this.archiverDeadLetters, maxReceiveCount: 5 },
      });
      onFailure = new SqsDlq(this.failedBatches);
      this.archiver = this.createArchiver(props, this.failedBatches);
    }

    this.eventSource = new DynamoEventSource(props.table, {
      ...STREAM_SETTINGS,
      filters: countedInsertFilters.map((pattern) => lambda.FilterCriteria.filter(pattern)),
      onFailure,
    });
    fn.addEventSource(this.eventSource);
    acknowledge(
      this.handler.role,
      'IAM5[Resource::*]',
      'dynamodb:ListStreams, granted by the event source mapping, has no resource-level permissions; ' +
        "reading the stream itself is limited to this table's stream ARN.",
    );
    if (props.failureMode === 's3-destination') {
      acknowledge(
        this.handler.role,
        `IAM5[Resource::<${this.logicalIdOf(props.failuresBucket)}.Arn>/*]`,
        'Lambda names failed-batch objects itself; PutObject is limited to the failures bucket.',
      );
    }
  }

  private logicalIdOf(bucket: s3.Bucket): string {
    return bucket.stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  }

  private createArchiver(props: AggregationProps, queue: sqs.Queue): PingyiFunction {
    const archiver = new PingyiFunction(this, 'FailedBatchArchiver', {
      entry: 'infra/functions/failed-batch-archiver.ts',
      description: 'Pingyi: stores the records of stream batches the aggregator gave up on',
      memorySize: 256,
      timeout: Duration.minutes(1),
      logRetention: props.logRetention,
      environment: { PINGYI_FAILURES_BUCKET: props.failuresBucket.bucketName },
    });
    const streamArn = props.table.tableStreamArn;
    if (!streamArn) throw new Error('the table has no stream');
    archiver.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetShardIterator', 'dynamodb:GetRecords'],
        resources: [streamArn],
      }),
    );
    archiver.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [props.failuresBucket.arnForObjects('failed-batches/*')],
      }),
    );
    archiver.function.addEventSource(
      new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    acknowledge(
      archiver.role,
      `IAM5[Resource::<${this.logicalIdOf(props.failuresBucket)}.Arn>/failed-batches/*]`,
      'Object keys are derived from the failed batch (shard and sequence numbers); writes stay under failed-batches/.',
    );
    return archiver;
  }
}
