// The reports package: Excel, CSV and 公示 renderings of results, the export run, and download links.
export * from './columns.ts';
export * from './csv.ts';
export * from './events.ts';
export * from './export.ts';
export * from './links.ts';
export * from './notice.ts';
export * from './xlsx.ts';
