// cdk-nag acknowledgements, each with its reason; tests can switch them off to prove each one is still needed.
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Context key: `false` records no acknowledgement, so a test sees every finding the stack would raise. */
export const NAG_ACKNOWLEDGEMENTS_CONTEXT = 'pingyi:nag-acknowledgements';

export const ACKNOWLEDGED_RULES_METADATA = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;

/** Acknowledges one AwsSolutions finding (e.g. `S1`, `IAM5[Resource::*]`) on a construct and its children. */
export function acknowledge(scope: IConstruct, finding: string, reason: string): void {
  if (scope.node.tryGetContext(NAG_ACKNOWLEDGEMENTS_CONTEXT) === false) return;
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${finding}`, reason });
}
