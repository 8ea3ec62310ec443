// One Lambda function of a county: an ESM bundle split at its lazy imports by the local esbuild, arm64, its own log
// group and role.
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { AssetHashType, DockerImage, type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_RUNTIME, type NodeRuntime } from './county-config.ts';
import { HANDLER, REPO_ROOT } from './function-bundle.ts';
import { acknowledge } from './nag.ts';

export { REPO_ROOT };

/** Context key set by each county stack before it adds a function: the county's `runtime` setting. */
export const RUNTIME_CONTEXT = 'pingyi:lambda-runtime';

/** The runtime of the functions under `scope`: the county's choice, else the default. */
export function runtimeOf(scope: Construct): lambda.Runtime {
  const name = (scope.node.tryGetContext(RUNTIME_CONTEXT) as NodeRuntime | undefined) ?? DEFAULT_RUNTIME;
  const runtime = lambda.Runtime.ALL.find((r) => r.name === name);
  if (!runtime) throw new Error(`aws-cdk-lib knows no Lambda runtime ${name}`);
  return runtime;
}

/** esbuild's target for a runtime: `nodejs24.x` → `node24`, so the bundle uses what that Node.js has. */
export const esbuildTarget = (runtime: Pick<lambda.Runtime, 'name'>) =>
  runtime.name.replace(/^nodejs(\d+)\.x$/, 'node$1');

/** Whether cdk-nag (L1) would call this runtime out of date: it compares with the newest one CDK knows. */
export function isNewestNodeRuntime(runtime: lambda.Runtime): boolean {
  const major = (r: lambda.Runtime) => Number(/^nodejs(\d+)/.exec(r.name)?.[1] ?? 0);
  return lambda.Runtime.ALL.every((r) => major(r) <= major(runtime));
}

/**
 * The code of a handler module, bundled at synth by the esbuild in node_modules (`functionBuild`, run by
 * infra/bin/bundle-function.ts; no Docker: the image is only named because CDK's bundling options require one).
 * NodejsFunction cannot do this: it passes `--outfile`, which rules out esbuild's splitting. The asset hash is the
 * output's, so an unchanged bundle deploys nothing.
 */
function handlerCode(entry: string, target: string): lambda.Code {
  // the source path only names the asset: with the output's hash, CDK never fingerprints or copies it
  return lambda.Code.fromAsset(dirname(`${REPO_ROOT}${entry}`), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('never-used'),
      local: {
        tryBundle(outputDir) {
          // a failed build prints esbuild's messages and throws here, which fails the synth
          execFileSync(
            process.execPath,
            ['--import', 'tsx', 'infra/bin/bundle-function.ts', entry, target, outputDir],
            { cwd: REPO_ROOT, stdio: 'inherit' },
          );
          return true;
        },
      },
    },
  });
}

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
 * A Lambda function with the project's defaults. Its role starts empty but for writing to its own log group
 * (no AWS managed policy); every other permission is granted by the construct that wires it.
 */
export class PingyiFunction extends Construct {
  public readonly function: lambda.Function;
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

    const runtime = runtimeOf(this);
    this.function = new lambda.Function(this, 'Function', {
      code: handlerCode(props.entry, esbuildTarget(runtime)),
      handler: HANDLER,
      description: props.description,
      runtime,
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
    });
    if (!isNewestNodeRuntime(runtime)) {
      acknowledge(
        this.function,
        'L1',
        `${runtime.name}, not the newest Node.js runtime, chosen in the county config: new runtimes reach the ` +
          'China regions later ("future runtime release dates do not apply to China", docs.amazonaws.cn/aws/' +
          'latest/userguide/lambda.html). Move to the default once the region offers it (ADR 0002).',
      );
    }
  }
}
