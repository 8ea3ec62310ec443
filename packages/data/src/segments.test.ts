// The parallel scan's segment pool (ballots.ts eachSegment): every segment once, in the order asked, a few at once.
import { describe, expect, it } from 'vitest';
import { eachSegment, SCAN_SEGMENTS } from './ballots.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('eachSegment', () => {
  it('reads every segment once, in the order given, with a bounded number at once', async () => {
    const order = Array.from({ length: SCAN_SEGMENTS }, (_, n) => (n * 37) % SCAN_SEGMENTS);
    const started: number[] = [];
    let running = 0;
    let most = 0;
    await eachSegment(async (segment, total) => {
      expect(total).toBe(SCAN_SEGMENTS);
      started.push(segment);
      running++;
      most = Math.max(most, running);
      await tick();
      running--;
    }, order);
    expect(started).toEqual(order);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(8);
  });

  it('covers 0…SCAN_SEGMENTS-1 when no order is given', async () => {
    const seen: number[] = [];
    await eachSegment(async (segment) => {
      seen.push(segment);
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: SCAN_SEGMENTS }, (_, n) => n));
  });

  it('fails when a segment fails, and starts no segment after that', async () => {
    const started: number[] = [];
    const failing = eachSegment(async (segment) => {
      started.push(segment);
      await tick();
      if (segment === 3) throw new Error('segment 3 failed');
    });
    await expect(failing).rejects.toThrow('segment 3 failed');
    // long enough for every segment to have run, had the pool gone on
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(started.length).toBeLessThan(2 * 8);
  });
});
