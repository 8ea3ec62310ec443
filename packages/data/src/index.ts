// The data package: key design, table definition and repositories over an injected DynamoDB document client.
export * from './aggregates.ts';
export * from './ballots.ts';
export * from './campaigns.ts';
export * from './client.ts';
export * from './closing.ts';
export * from './comments.ts';
export * from './errors.ts';
export * from './keys.ts';
export * from './quotas.ts';
export * from './recount.ts';
export * from './reports.ts';
export * from './table.ts';
export * from './timing.ts';
