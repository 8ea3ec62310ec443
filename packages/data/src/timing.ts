// When a close reaches every process: the bounds a closing report waits out before it recounts (closing.ts).
/** How long an API process may answer from a cached campaign record (so a close reaches it this late). */
export const CAMPAIGN_CACHE_MS = 2000;
/** The longest a ballot request may run: the API function's timeout on AWS, a request timeout locally. */
export const API_REQUEST_TIMEOUT_MS = 10_000;
/**
 * After a close, how long some process may still accept a ballot: it may hold a record that says "open" for
 * CAMPAIGN_CACHE_MS, and a request it let in may answer 201 until its timeout. A second's margin for clocks.
 */
export const ACCEPTING_AFTER_CLOSE_MS = CAMPAIGN_CACHE_MS + API_REQUEST_TIMEOUT_MS + 1000;
