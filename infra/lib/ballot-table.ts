// The county's single table, built from the data package's definition (the same one the local bootstrap uses).
import { tableDefinition } from '@pingyi/data/table';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface BallotTableProps {
  /** point-in-time recovery window, 1 to 35 days */
  readonly backupDays: number;
}

const attribute = (key: { name: string; type: 'S' | 'N' | 'B' }): dynamodb.Attribute => ({
  name: key.name,
  type: {
    S: dynamodb.AttributeType.STRING,
    N: dynamodb.AttributeType.NUMBER,
    B: dynamodb.AttributeType.BINARY,
  }[key.type],
});

const streamViews: Record<typeof tableDefinition.streamViewType, dynamodb.StreamViewType> = {
  NEW_IMAGE: dynamodb.StreamViewType.NEW_IMAGE,
};

/**
 * On-demand (voting comes in bursts around a meeting, then nothing for weeks), point-in-time recovery,
 * deletion protection and RETAIN (ballots are the record of a public evaluation), encrypted with the AWS
 * managed key, streaming new images to the aggregator.
 */
export class BallotTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: BallotTableProps) {
    super(scope, id);
    const { partitionKey, sortKey, indexes, streamViewType, timeToLiveAttribute } = tableDefinition;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: attribute(partitionKey),
      sortKey: attribute(sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      stream: streamViews[streamViewType],
      timeToLiveAttribute,
      pointInTimeRecoverySpecification: {
        pointInTimeRecoveryEnabled: true,
        recoveryPeriodInDays: props.backupDays,
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
    });
    for (const index of indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}
