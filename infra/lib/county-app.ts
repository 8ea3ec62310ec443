// Builds the CDK app: one CountyStack per county config, every stack checked by cdk-nag's AwsSolutions pack.
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { CountyConfig } from './county-config.ts';
import { CountyStack, stackIdOf } from './county-stack.ts';

export interface CountyApp {
  app: App;
  stacks: CountyStack[];
}

/** An unacknowledged cdk-nag finding makes `app.synth()` fail, so a deploy can never carry one. */
export function addCountyStacks(app: App, counties: CountyConfig[]): CountyStack[] {
  const stacks = counties.map((county) => new CountyStack(app, stackIdOf(county.code), { county }));
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stacks;
}

export function createCountyApp(counties: CountyConfig[], props: AppProps = {}): CountyApp {
  const app = new App(props);
  return { app, stacks: addCountyStacks(app, counties) };
}
