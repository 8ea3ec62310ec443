// A private S3 bucket with the county's defaults: no public access, SSE, TLS only, versioned, expiring objects.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

export interface PrivateBucketProps {
  /** days after which current objects expire */
  readonly expireAfterDays: number;
  /** why the bucket keeps no server access log (the cdk-nag acknowledgement's reason) */
  readonly noAccessLogReason: string;
}

export class PrivateBucket extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire',
          expiration: Duration.days(props.expireAfterDays),
          // an overwritten or deleted file stays recoverable for a month, then stops costing
          noncurrentVersionExpiration: Duration.days(30),
          // large raw exports are multipart uploads; a crashed export must not leave parts behind
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    acknowledge(this.bucket, 'S1', props.noAccessLogReason);
  }
}
