import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { buildRuntimeConfig, ConfigError, loadSecretsFrom, parseEnv } from './config.ts';

const base = { PINGYI_TABLE: 'pingyi', PINGYI_PUBLIC_URL: 'https://py.example.gov.cn/' };

describe('runtime configuration', () => {
  it('names every missing or invalid variable at once', () => {
    expect(() => parseEnv({ PINGYI_PUBLIC_URL: 'not a url' })).toThrow(/PINGYI_TABLE.*PINGYI_PUBLIC_URL/);
  });

  it('builds clients without any secret, for the stream and export functions', async () => {
    const config = buildRuntimeConfig(parseEnv({ ...base, PINGYI_REPORTS_BUCKET: 'reports' }));
    expect(config.publicUrl).toBe('https://py.example.gov.cn');
    expect(config).not.toHaveProperty('codeSecret');
    // the reports bucket's S3 client is built on first use, and once
    const store = await config.reports?.();
    expect(store?.bucket).toBe('reports');
    expect(await store?.s3.config.region()).toBe('cn-north-1');
    expect(await config.reports?.()).toBe(store);
  });

  it('takes local secrets from the environment and refuses short or missing ones', async () => {
    const local = { ...base, PINGYI_CODE_SECRET: 'c'.repeat(32), PINGYI_ADMIN_TOKEN: 't'.repeat(16) };
    expect((await loadSecretsFrom(parseEnv(local))).adminToken).toBe('t'.repeat(16));
    await expect(loadSecretsFrom(parseEnv(base))).rejects.toThrow(ConfigError);
    expect(() => parseEnv({ ...local, PINGYI_ADMIN_TOKEN: 'short' })).toThrow(/PINGYI_ADMIN_TOKEN/);
  });

  it('reads both secrets from Secrets Manager by ARN on AWS', async () => {
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand, { SecretId: 'arn:code' }).resolves({ SecretString: 'k'.repeat(64) });
    secrets.on(GetSecretValueCommand, { SecretId: 'arn:admin' }).resolves({ SecretString: 'a'.repeat(40) });
    const env = parseEnv({
      ...base,
      PINGYI_CODE_SECRET_ARN: 'arn:code',
      PINGYI_ADMIN_TOKEN_ARN: 'arn:admin',
    });
    const loaded = await loadSecretsFrom(env);
    expect(loaded.codeSecret.toString()).toBe('k'.repeat(64));
    expect(loaded.adminToken).toBe('a'.repeat(40));
    secrets.restore();
  });
});
