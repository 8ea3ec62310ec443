// The county's HTTP API in front of the api function: a $default stage with throttling and anonymous access logs.
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

export interface PublicApiProps {
  readonly handler: lambda.IFunction;
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly logRetention: logs.RetentionDays;
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
}

/**
 * Access log fields. Deliberately absent: the path (a ballot URL carries its single-use code), the source IP
 * and the user agent (README: an organizer cannot learn a voter's IP or device). The route key names the
 * route template (`ANY /b/{token}`) without the token.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  error: '$context.error.message',
  integrationError: '$context.integrationErrorMessage',
} as const;

export class PublicApi extends Construct {
  public readonly api: apigw.HttpApi;
  public readonly stage: apigw.HttpStage;
  public readonly accessLogs: logs.LogGroup;
  public readonly domain?: apigw.DomainName;
  /** the base address printed on QR slips: the custom domain if there is one, else the API endpoint */
  public readonly publicUrl: string;

  constructor(scope: Construct, id: string, props: PublicApiProps) {
    super(scope, id);
    const integration = new HttpLambdaIntegration('Handler', props.handler, {
      payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
    });
    // No CORS: the pages and the API share one origin, so browsers never make a cross-origin call.
    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'Pingyi public API and ballot pages',
      createDefaultStage: false,
      defaultIntegration: integration,
    });
    // The ballot route is its own route so that its access-log lines name it without the code in the URL.
    this.api.addRoutes({ path: '/b/{token}', methods: [apigw.HttpMethod.ANY], integration });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    // $default: a named stage would prefix every path with its name, which the Hono routes do not expect.
    this.stage = new apigw.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    if (props.customDomain) {
      this.domain = new apigw.DomainName(this, 'Domain', {
        domainName: props.customDomain.domainName,
        certificate: acm.Certificate.fromCertificateArn(
          this,
          'Certificate',
          props.customDomain.certificateArn,
        ),
      });
      new apigw.ApiMapping(this, 'Mapping', { api: this.api, domainName: this.domain, stage: this.stage });
      this.publicUrl = `https://${props.customDomain.domainName}`;
    } else {
      this.publicUrl = this.api.apiEndpoint;
    }

    for (const route of this.api.node.findAll()) {
      if (route instanceof apigw.HttpRoute) {
        acknowledge(
          route,
          'APIG4',
          'Evaluators vote without accounts (a signed single-use code or an open link); organizer routes are ' +
            'authorized in the app by a bearer token from Secrets Manager. Cognito authorizers do not exist in ' +
            'the China regions, and an IAM authorizer would need credentials on every phone.',
        );
      }
    }
  }
}
