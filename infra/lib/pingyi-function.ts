// One Lambda function of a county: an ESM bundle by the local esbuild, arm64, its own log group and role.
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * nodejs22.x rather than 24: runtimes reach the China regions later than the others ("future runtime release
 * dates do not apply to China", docs.amazonaws.cn/aws/latest/userguide/lambda.html); see ADR 0002.
 */
export const RUNTIME = lambda.Runtime.NODEJS_22_X;

/**
 * ESM output needs `require` for the CommonJS dependencies esbuild inlines (the AWS SDK's, hono's); the alias
 * keeps the banner from colliding with any bundled identifier.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __pingyiCreateRequire } from 'node:module'; const require = __pingyiCreateRequire(import.meta.url);";

export interface PingyiFunctionProps {
  /** the handler module, relative to the repository root, exporting `main` */
  readonly entry: string;
  readonly description: string;
  /** @default 512 */
  readonly memorySize?: number;
  readonly timeout: Duration;
  /** days its log group keeps logs */
  readonly logRetention: logs.RetentionDays;
  readonly environment: Record<string, string>;
}

/**
 * A NodejsFunction with the project's defaults. Its role starts empty but for writing to its own log group
 * (no AWS managed policy); every other permission is granted by the construct that wires it.
 */
export class PingyiFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PingyiFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      // logs outlive the stack: they are the operational record of a campaign
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      // IAM descriptions accept Latin-1 only
      description: `Execution role of ${props.description.replace(/[^\x20-\x7e]/g, '?')}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: `${REPO_ROOT}${props.entry}`,
      handler: 'main',
      description: props.description,
      runtime: RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...props.environment,
      },
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // the SDK is bundled at the versions the tests run, not whatever the runtime ships in each region
        bundleAwsSDK: true,
        externalModules: [],
        tsconfig: `${REPO_ROOT}tsconfig.json`,
        logLevel: LogLevel.WARNING,
        forceDockerBundling: false,
      },
    });
    acknowledge(
      this.function,
      'L1',
      'nodejs22.x, not the newest Node.js runtime: new runtimes reach the China regions later ("future runtime ' +
        'release dates do not apply to China", docs.amazonaws.cn/aws/latest/userguide/lambda.html). Move to ' +
        'nodejs24.x once docs.amazonaws.cn lists it for Beijing and Ningxia (ADR 0002).',
    );
  }
}
