// The county's alarms, all sent to one SNS topic with the ops e-mail subscribed, which CloudWatch may publish to.
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmSpec {
  readonly metric: cloudwatch.IMetric;
  /** alarm when the metric is at or above this value */
  readonly threshold: number;
  readonly description: string;
  /** consecutive 5-minute periods @default 1 */
  readonly periods?: number;
}

/** Every alarm of a county is named `Pingyi-<code>-<id>`: the topic policy admits exactly these. */
export const alarmNamePrefix = (countyCode: string) => `Pingyi-${countyCode}-`;

export class CountyAlarms extends Construct {
  public readonly topic: sns.Topic;
  public readonly alarms: Record<string, cloudwatch.Alarm> = {};
  private readonly namePrefix: string;

  constructor(scope: Construct, id: string, props: { readonly email: string; readonly countyCode: string }) {
    super(scope, id);
    this.namePrefix = alarmNamePrefix(props.countyCode);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `Pingyi ${props.countyCode} alarms`,
      enforceSSL: true,
      // Unencrypted on purpose: CloudWatch alarms cannot publish to a topic under the AWS managed SNS key, and
      // the messages carry alarm names and metric values only, not worth a customer managed key per county.
    });
    // A topic policy replaces SNS's default one, which let the account's own services publish: without this
    // statement every alarm action fails with "not authorized to perform SNS:Publish" and nobody hears of it.
    // The conditions keep the CloudWatch service from publishing on behalf of anyone else's alarms
    // (the confused deputy): this account, this region, this county's alarm names.
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisCounty',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `${this.namePrefix}*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    this.topic.addSubscription(new EmailSubscription(props.email));
  }

  add(id: string, spec: AlarmSpec): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmName: `${this.namePrefix}${id}`,
      metric: spec.metric,
      threshold: spec.threshold,
      evaluationPeriods: spec.periods ?? 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: spec.description,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    this.alarms[id] = alarm;
    return alarm;
  }
}

export const FIVE_MINUTES = Duration.minutes(5);
