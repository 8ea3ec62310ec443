// A short-lived per-process cache of campaign records for the submit path, so most ballots cost one write
// and no read. Status, issued counts, voided codes and (a draft's, or an open campaign's subjects until its first
// ballot) definition can be stale by at most `ttlMs`, except
// that a code above the cached issued count triggers a fresh read, and this process forgets a campaign as soon
// as it changes it. Another process (another Lambda container) sees a close within `ttlMs`.
import { type CampaignRecord, getCampaign } from '@pingyi/data/campaigns';
import type { Db } from '@pingyi/data/client';
import { CAMPAIGN_CACHE_MS } from '@pingyi/data/timing';

const cache = new Map<string, { record: CampaignRecord; at: number }>();
const keyOf = (db: Db, id: string) => `${db.tableName}\u0000${id}`;

/** Ages are measured on the process's monotonic clock, not the app's (which tests may stop or move). */
export async function cachedCampaign(
  db: Db,
  id: string,
  fresh = false,
  ttlMs = CAMPAIGN_CACHE_MS,
): Promise<CampaignRecord | undefined> {
  const now = performance.now();
  const hit = cache.get(keyOf(db, id));
  if (!fresh && hit && now - hit.at < ttlMs) return hit.record;
  const record = await getCampaign(db, id);
  if (cache.size > 1000) cache.clear();
  if (record) cache.set(keyOf(db, id), { record, at: now });
  else cache.delete(keyOf(db, id));
  return record;
}

export function forgetCampaign(db: Db, id: string): void {
  cache.delete(keyOf(db, id));
}

/** For tests that count reads: start from an empty cache. */
export function clearCampaignCache(): void {
  cache.clear();
}
