// The CDK app ops run: `npx cdk synth|deploy -c county=<code>` for one county, no context for all of them.
import { App } from 'aws-cdk-lib';
import { addCountyStacks } from '../lib/county-app.ts';
import { CountyConfigError, loadCounties, loadCounty } from '../lib/county-config.ts';

const app = new App();
try {
  const county: unknown = app.node.tryGetContext('county');
  addCountyStacks(app, county === undefined ? loadCounties() : [loadCounty(String(county))]);
} catch (error) {
  if (!(error instanceof CountyConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
app.synth();
