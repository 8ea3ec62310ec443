import { countedInsertFilters, createTableInput, tableDefinition } from '@pingyi/data/table';
import { EVENT_SOURCE, EXPORT_REQUESTED } from '@pingyi/reports/events';
import { parseEnv } from '@pingyi/runtime';
import { App, TagManager } from 'aws-cdk-lib';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import type { CfnEventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { STREAM_SETTINGS } from '../../infra/lib/aggregation.ts';
import { DEFAULT_RUNTIME, loadCounties, loadCounty, NODE_RUNTIMES } from '../../infra/lib/county-config.ts';
import { CountyStack, RUNTIME_WARNING_DAYS } from '../../infra/lib/county-stack.ts';
import { esbuildTarget, isNewestNodeRuntime, runtimeOf } from '../../infra/lib/pingyi-function.ts';
import { ACCESS_LOG_FIELDS } from '../../infra/lib/public-api.ts';
import {
  globalTestCounty,
  type Json,
  stringsIn,
  synthCounties,
  valuesOfType,
  withoutAssetHashes,
} from './support/synth.ts';

const shipped = loadCounties();
const china = loadCounty('622921');
const global = globalTestCounty();

let templates: ReturnType<typeof synthCounties>['templates'];
let t: Template;
let stack: CountyStack;
let g: Template;

beforeAll(() => {
  ({ templates } = synthCounties([...shipped, global]));
  const c = templates.get(china.code);
  const o = templates.get(global.code);
  if (!c || !o) throw new Error('stacks missing');
  ({ template: t, stack } = c);
  g = o.template;
});

const ref = (template: Template, type: string, match: Record<string, unknown> = {}) => {
  const found = Object.keys(template.findResources(type, { Properties: match }));
  expect(found, `one ${type} matching ${JSON.stringify(match)}`).toHaveLength(1);
  return found[0] as string;
};
/** The properties of one resource: the first of its type, or the one with this logical id. */
const propsOf = (template: Template, type: string, id?: string): Record<string, Json> => {
  const entries = valuesOfType(template, type);
  const found = id === undefined ? entries[0] : entries.find(([key]) => key === id);
  if (!found) throw new Error(`no ${type} ${id ?? ''}`);
  return found[1].Properties;
};
const fnId = (template: Template, entryHint: string) =>
  ref(template, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp(entryHint) });

describe('every shipped county', () => {
  it('synthesizes its own stack, named and tagged by its code, in its region', () => {
    for (const county of shipped) {
      const entry = templates.get(county.code);
      expect(entry, county.code).toBeDefined();
      if (!entry) continue;
      expect(entry.stack.stackName).toBe(`Pingyi-${county.code}`);
      expect(entry.stack.region).toBe(county.region);
      entry.template.hasResourceProperties('AWS::DynamoDB::Table', {
        Tags: Match.arrayWith([{ Key: 'pingyi:county', Value: county.code }]),
      });
    }
  });

  it('hard-codes no arn:aws: and no amazonaws.com outside IAM service principals (China partition)', () => {
    for (const county of shipped) {
      const template = templates.get(county.code)?.template.toJSON() as Json;
      for (const { path, value } of stringsIn(template)) {
        expect(value, path.join('.')).not.toContain('arn:aws:');
        if (value.includes('amazonaws.com')) {
          // a service principal (IAM trust, Lambda permission), which keeps this name in the China regions too
          expect(path, `${path.join('.')}: ${value}`).toContain('Principal');
          expect(value).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/);
        }
      }
    }
  });
});

describe('the table', () => {
  it('is built from the data package definition: keys, index and stream', () => {
    const input = createTableInput('ignored');
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: input.KeySchema,
      AttributeDefinitions: Match.arrayEquals(input.AttributeDefinitions ?? []),
      GlobalSecondaryIndexes: input.GlobalSecondaryIndexes,
      StreamSpecification: { StreamViewType: tableDefinition.streamViewType },
    });
  });

  it('is on-demand, encrypted, point-in-time recoverable, deletion-protected and retained', () => {
    t.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: {
          PointInTimeRecoveryEnabled: true,
          RecoveryPeriodInDays: china.retention.backupDays,
        },
      }),
    });
  });

  it('clears expired quota counters, console sessions, links and sign-in counters by TTL', () => {
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
    });
  });
});

describe('the functions', () => {
  it('run the three handlers (and the archiver) on arm64 with the runtime of the county config', () => {
    const functions = valuesOfType(t, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(4);
    for (const [, fn] of functions) {
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Runtime).toBe(stack.county.runtime);
      expect(fn.Properties.Handler).toBe('index.main');
      expect(fn.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: expect.any(String) } });
      expect(fn.Properties.TracingConfig).toBeUndefined(); // X-Ray for Lambda does not exist in China
    }
  });

  it('take the runtime from the county config: nodejs24.x by default, nodejs22.x where a county chooses it', () => {
    expect(DEFAULT_RUNTIME).toBe('nodejs24.x');
    for (const county of shipped)
      expect(templates.get(county.code)?.stack.county.runtime).toBe(DEFAULT_RUNTIME);
    const older = { ...china, code: '622922', runtime: 'nodejs22.x' as const };
    const { templates: both } = synthCounties([china, older]);
    for (const [code, runtime] of [
      [china.code, 'nodejs24.x'],
      [older.code, 'nodejs22.x'],
    ] as const) {
      const entry = both.get(code);
      if (!entry) throw new Error(`no stack for ${code}`);
      const runtimes = valuesOfType(entry.template, 'AWS::Lambda::Function').map(
        ([, fn]) => fn.Properties.Runtime,
      );
      expect(runtimes).toEqual([runtime, runtime, runtime, runtime]);
      expect(runtimeOf(entry.stack).name).toBe(runtime);
    }
    // the bundles are built for the Node.js they run on
    expect(esbuildTarget(lambda.Runtime.NODEJS_24_X)).toBe('node24');
    expect(esbuildTarget(lambda.Runtime.NODEJS_22_X)).toBe('node22');
    // cdk-nag's L1 is acknowledged only for the older one (nag.test.ts proves each acknowledgement is needed)
    expect(isNewestNodeRuntime(lambda.Runtime.NODEJS_24_X)).toBe(true);
    expect(isNewestNodeRuntime(lambda.Runtime.NODEJS_22_X)).toBe(false);
  });

  it('warn at synth from half a year before the runtime is deprecated, naming the dates and the file', () => {
    const synthOn = (today: string, runtime: keyof typeof NODE_RUNTIMES) => {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      const county = { ...china, runtime };
      return Annotations.fromStack(new CountyStack(app, 'Warned', { county, today: new Date(today) }));
    };
    const message = Match.stringLikeRegexp(
      'Lambda nodejs22\\.x is deprecated on 2027-04-30; creating functions on it stops on 2027-06-01.*' +
        'infra/counties/622921\\.json',
    );
    const days = (iso: string, n: number) => new Date(Date.parse(iso) + n * 86_400_000).toISOString();
    const from = days(NODE_RUNTIMES['nodejs22.x'].deprecation, -RUNTIME_WARNING_DAYS);
    synthOn(days(from, -1), 'nodejs22.x').hasNoWarning('*', message);
    synthOn(from, 'nodejs22.x').hasWarning('*', message);
    synthOn('2026-12-01', 'nodejs22.x').hasWarning('*', message);
    synthOn('2026-12-01', 'nodejs24.x').hasNoWarning('*', Match.stringLikeRegexp('deprecated'));
  });

  it('give the api, aggregate and export functions an environment that config.ts accepts', () => {
    for (const hint of ['HTTP API', 'sums ballot', 'writes XLSX']) {
      const fn = propsOf(t, 'AWS::Lambda::Function', fnId(t, hint));
      const variables = (fn.Environment as { Variables: Record<string, Json> }).Variables;
      const env = Object.fromEntries(
        Object.entries(variables).map(([key, value]) => [
          key,
          typeof value === 'string'
            ? value
            : key === 'PINGYI_PUBLIC_URL'
              ? 'https://deployed.example'
              : 'token',
        ]),
      );
      expect(() => parseEnv(env), hint).not.toThrow();
      // secrets travel as ARNs (references), never as values, and only to the api
      if (hint === 'HTTP API') {
        expect(variables.PINGYI_CODE_SECRET_ARN).toEqual({ Ref: expect.stringMatching(/CodeSigningKey/) });
        expect(variables.PINGYI_ADMIN_TOKEN_ARN).toEqual({ Ref: expect.stringMatching(/AdminToken/) });
      } else {
        expect(variables).not.toHaveProperty('PINGYI_CODE_SECRET_ARN');
        expect(variables).not.toHaveProperty('PINGYI_ADMIN_TOKEN_ARN');
      }
      expect(variables).not.toHaveProperty('PINGYI_CODE_SECRET');
      expect(variables).not.toHaveProperty('PINGYI_ADMIN_TOKEN');
    }
  });

  it('keep logs for the configured number of days', () => {
    for (const [, group] of valuesOfType(t, 'AWS::Logs::LogGroup')) {
      expect(group.Properties.RetentionInDays).toBe(china.retention.logDays);
    }
  });
});

describe('the HTTP API', () => {
  it('has a throttled $default stage with access logs and no CORS', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.absent(),
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: china.throttle.rateLimit,
        ThrottlingBurstLimit: china.throttle.burstLimit,
      },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
    });
  });

  it('logs the route key, never the path, the source IP or the user agent', () => {
    const stage = propsOf(t, 'AWS::ApiGatewayV2::Stage');
    const format = (stage.AccessLogSettings as { Format: string }).Format;
    expect(JSON.parse(format)).toEqual(ACCESS_LOG_FIELDS);
    expect(format).toContain('$context.routeKey');
    expect(format).toContain('$context.requestId');
    for (const banned of ['$context.path', 'rawPath', 'sourceIp', 'userAgent', '$context.identity']) {
      expect(format).not.toContain(banned);
    }
  });

  it('routes the ballot pages on their own route and everything else to the same function', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /b/{token}' });
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
    t.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  it('serves a custom domain when the config has one', () => {
    g.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'pingyi.example.com',
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: global.customDomain?.certificateArn })],
    });
    g.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    g.hasOutput('ApiUrl', { Value: 'https://pingyi.example.com' });
    g.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PINGYI_PUBLIC_URL: 'https://pingyi.example.com' }) },
    });
  });
});

describe('the aggregate function on the table stream', () => {
  const mapping = () =>
    valuesOfType(t, 'AWS::Lambda::EventSourceMapping').find(([, m]) => m.Properties.StartingPosition)?.[1]
      .Properties ?? {};

  it('takes ballot inserts only, with the justified batch settings and a tumbling window', () => {
    expect(mapping()).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [expect.stringMatching(/Table/), 'StreamArn'] },
      FilterCriteria: { Filters: countedInsertFilters.map((f) => ({ Pattern: JSON.stringify(f) })) },
      BatchSize: STREAM_SETTINGS.batchSize,
      MaximumBatchingWindowInSeconds: 1,
      TumblingWindowInSeconds: 30,
      ParallelizationFactor: 1,
      StartingPosition: 'TRIM_HORIZON',
    });
    expect(mapping().TumblingWindowInSeconds).toBeGreaterThanOrEqual(1); // Lambda sends shardId only then
  });

  it('bisects, reports partial failures, and bounds retries and record age', () => {
    const m = mapping();
    expect(m.BisectBatchOnFunctionError).toBe(true);
    expect(m.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(m.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
    expect(m.MaximumRetryAttempts).toBeLessThanOrEqual(10);
    expect(m.MaximumRecordAgeInSeconds).toBeGreaterThanOrEqual(60);
    expect(m.MaximumRecordAgeInSeconds).toBeLessThan(24 * 3600); // the stream keeps records 24 h
  });

  it('uses no event source mapping feature missing in China: no tags, metrics or provisioned mode', () => {
    const m = mapping();
    expect(m.Tags).toBeUndefined();
    expect(m.MetricsConfig).toBeUndefined();
    expect(m.ProvisionedPollerConfig).toBeUndefined();
    // the mapping is taggable, so the stack-wide tags would reach it without the exclusion
    const cfn = stack.aggregation.handler.function.node
      .findAll()
      .find((c) => (c as CfnEventSourceMapping).cfnResourceType === 'AWS::Lambda::EventSourceMapping');
    expect(cfn && TagManager.isTaggableV2(cfn)).toBe(true);
  });

  it('in China sends failed batches to SQS, and an archiver stores their records in the failures bucket', () => {
    const queue = ref(t, 'AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() });
    expect(mapping().DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } },
    });
    const archiver = fnId(t, 'stores the records');
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: archiver },
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('stores the records'),
      Environment: { Variables: Match.objectLike({ PINGYI_FAILURES_BUCKET: { Ref: Match.anyValue() } }) },
    });
  });

  it('elsewhere sends failed batches, records included, straight to the failures bucket', () => {
    const bucket = ref(g, 'AWS::S3::Bucket', { MetricsConfigurations: Match.anyValue() });
    g.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [bucket, 'Arn'] } } },
    });
    expect(
      Object.keys(g.findResources('AWS::SQS::Queue', { Properties: { RedrivePolicy: Match.anyValue() } })),
    ).toHaveLength(0);
  });
});

describe('the export', () => {
  it('runs on an EventBridge Scheduler schedule in the county time zone, with a dead-letter queue', () => {
    const exporter = fnId(t, 'writes XLSX');
    const schedule = propsOf(t, 'AWS::Scheduler::Schedule');
    expect(schedule).toMatchObject({
      ScheduleExpression: china.reports.schedule,
      ScheduleExpressionTimezone: china.timeZone,
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [exporter, 'Arn'] },
        DeadLetterConfig: { Arn: expect.anything() },
        RetryPolicy: { MaximumRetryAttempts: 2 },
      },
    });
    const input = JSON.parse((schedule.Target as { Input: string }).Input);
    expect(input['detail-type']).not.toBe(EXPORT_REQUESTED); // the handler reads it as the schedule
  });

  it('gets ExportRequested events from the api function through the county bus', () => {
    const bus = ref(t, 'AWS::Events::EventBus');
    t.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: bus },
      EventPattern: { source: [EVENT_SOURCE], 'detail-type': [EXPORT_REQUESTED] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [fnId(t, 'writes XLSX'), 'Arn'] },
          DeadLetterConfig: Match.anyValue(),
        }),
      ],
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('HTTP API'),
      Environment: { Variables: Match.objectLike({ PINGYI_EVENT_BUS: { Ref: bus } }) },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'events:PutEvents', Effect: 'Allow', Resource: { 'Fn::GetAtt': [bus, 'Arn'] } },
        ]),
      },
    });
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });
});

describe('the reports bucket', () => {
  it('blocks public access, encrypts, enforces TLS, keeps versions and expires old reports', () => {
    const bucket = ref(t, 'AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ ExpirationInDays: china.reports.retentionDays })],
      },
    });
    t.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({
              ExpirationInDays: china.reports.retentionDays,
              NoncurrentVersionExpiration: { NoncurrentDays: 30 },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            }),
          ],
        },
      }),
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    t.hasOutput('ReportsBucketName', { Value: { Ref: bucket } });
  });
});

describe('secrets and grants', () => {
  it('generates the code signing key and the organizer token in Secrets Manager, never in the template', () => {
    t.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
      SecretString: Match.absent(),
    });
    t.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 40 }),
      SecretString: Match.absent(),
    });
  });

  it('grants no wildcard actions, no managed policies, and Resource * only for dynamodb:ListStreams', () => {
    for (const [, role] of valuesOfType(t, 'AWS::IAM::Role'))
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const apiRole = (
      propsOf(t, 'AWS::Lambda::Function', fnId(t, 'HTTP API')).Role as { 'Fn::GetAtt': [string] }
    )['Fn::GetAtt'][0];
    for (const [, policy] of valuesOfType(t, 'AWS::IAM::Policy')) {
      // only the api deletes: a committed paper batch's staged entries and a closed rehearsal's data (never a formal
      // campaign's: data's wipeRehearsal refuses it)
      const mayDelete = JSON.stringify(policy.Properties.Roles).includes(apiRole);
      for (const statement of (policy.Properties.PolicyDocument as { Statement: Record<string, Json>[] })
        .Statement) {
        const actions = [statement.Action].flat() as string[];
        for (const action of actions) {
          expect(action).not.toMatch(/(^\*$|:\*$)/);
          if (!mayDelete) expect(action).not.toMatch(/(^dynamodb:Delete|^dynamodb:BatchWrite|^s3:Delete)/);
        }
        if (statement.Resource === '*') expect(actions).toEqual(['dynamodb:ListStreams']);
      }
    }
  });

  it("lets the aggregator only update items, and the api read report files (and delete a rehearsal's) but not write them", () => {
    const statementsOf = (hint: string) => {
      const fn = propsOf(t, 'AWS::Lambda::Function', fnId(t, hint));
      const role = (fn.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      return valuesOfType(t, 'AWS::IAM::Policy')
        .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(role))
        .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Record<string, Json>[] }).Statement);
    };
    const aggregateActions = statementsOf('sums ballot').flatMap((s) => [s.Action].flat());
    expect(
      aggregateActions.filter(
        (a) => String(a).startsWith('dynamodb:') && !/Stream|Records|ShardIterator/.test(String(a)),
      ),
    ).toEqual(['dynamodb:UpdateItem']);
    const apiActions = statementsOf('HTTP API').flatMap((s) => [s.Action].flat());
    expect(apiActions).toContain('s3:GetObject');
    expect(apiActions).not.toContain('s3:PutObject');
    expect(apiActions).toContain('s3:DeleteObject');
    expect(apiActions).toContain('secretsmanager:GetSecretValue');
    for (const hint of ['sums ballot', 'writes XLSX']) {
      expect(
        statementsOf(hint).flatMap((s) => [s.Action].flat()),
        hint,
      ).not.toContain('secretsmanager:GetSecretValue');
    }
  });
});

describe('alarms', () => {
  const alarmOn = (template: Template, namespace: string, metricName: string) =>
    Object.values(
      template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { Namespace: namespace, MetricName: metricName },
      }),
    );

  it('cover 5xx, throttles, iterator age, failed batches and export failures', () => {
    expect(alarmOn(t, 'AWS/ApiGateway', '5xx')).toHaveLength(1);
    expect(alarmOn(t, 'AWS/Lambda', 'Throttles')).toHaveLength(3);
    expect(alarmOn(t, 'AWS/DynamoDB', 'WriteThrottleEvents')).toHaveLength(1);
    expect(alarmOn(t, 'AWS/Lambda', 'IteratorAge')).toHaveLength(1);
    expect(alarmOn(t, 'AWS/SQS', 'NumberOfMessagesSent')).toHaveLength(1); // failed batches (China)
    expect(alarmOn(t, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toHaveLength(2); // not archived, export
    expect(alarmOn(t, 'AWS/Lambda', 'Errors')).toHaveLength(2); // aggregate, export
    expect(alarmOn(g, 'AWS/S3', 'PutRequests')).toHaveLength(1); // failed batches (S3 destination)
    // a closing report whose recount differs from the live count: the export's embedded metric
    const [mismatch] = alarmOn(t, 'Pingyi', 'ClosingCountMismatch');
    expect(mismatch?.Properties).toMatchObject({ Statistic: 'Sum', Threshold: 1 });
    expect(mismatch?.Properties.Dimensions).toEqual([
      { Name: 'FunctionName', Value: { Ref: expect.stringMatching(/^ExportFunction/) } },
    ]);
  });

  it('notify the county alarm e-mail through one topic', () => {
    const topic = ref(t, 'AWS::SNS::Topic');
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: china.alarmEmail,
      TopicArn: { Ref: topic },
    });
    for (const alarm of Object.values(t.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    }
  });

  it("let CloudWatch publish to the topic for this account's alarms of this county, and only over TLS", () => {
    const topic = ref(t, 'AWS::SNS::Topic');
    const policies = valuesOfType(t, 'AWS::SNS::TopicPolicy');
    expect(policies).toHaveLength(1); // a second policy on the topic would replace this one
    const [, policy] = policies[0] as (typeof policies)[number];
    expect(policy.Properties.Topics).toEqual([{ Ref: topic }]);
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, Json>[] }).Statement;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Sid: 'CloudWatchAlarmsOfThisCounty',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topic },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  `:cloudwatch:${china.region}:`,
                  { Ref: 'AWS::AccountId' },
                  `:alarm:Pingyi-${china.code}-*`,
                ],
              ],
            },
          },
        },
      },
    ]);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    // the pattern admits every alarm the stack has, and no alarm of another county
    const names = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName);
    expect(names).toHaveLength(12);
    for (const name of names) expect(name).toMatch(new RegExp(`^Pingyi-${china.code}-[A-Za-z0-9]+$`));
    g.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': global.account } }),
          }),
        ]),
      },
    });
  });
});

describe('outputs', () => {
  it('give the API URL and the bucket name', () => {
    t.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [ref(t, 'AWS::ApiGatewayV2::Api'), 'ApiEndpoint'] } });
    t.hasOutput('ReportsBucketName', { Value: { Ref: Match.anyValue() } });
  });
});

it('matches the snapshot of a China county template', () => {
  expect(withoutAssetHashes(t.toJSON() as Json)).toMatchSnapshot();
});
