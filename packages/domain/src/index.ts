// The domain package: campaign and ballot schemas and the results math. Pure: zod and TypeScript only.
export * from './ballot.ts';
export * from './campaign.ts';
export * from './fraction.ts';
export * from './paper.ts';
export * from './rectification.ts';
export * from './results.ts';
export * from './tally.ts';
export * from './text.ts';
