// How a parallel scan is cut and run (ballots.ts): segments for the table's size; every segment once, a few at once.
import { describe, expect, it } from 'vitest';
import { eachSegment, segmentsFor } from './ballots.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('segmentsFor', () => {
  it('gives about a thousand items a segment, from 8 to 1,024 segments', () => {
    expect(segmentsFor(0)).toBe(8);
    expect(segmentsFor(8_000)).toBe(8);
    expect(segmentsFor(8_001)).toBe(16);
    expect(segmentsFor(110_000)).toBe(128);
    expect(segmentsFor(1_000_000)).toBe(1024);
    expect(segmentsFor(Number.POSITIVE_INFINITY)).toBe(1024);
  });
});

describe('eachSegment', () => {
  it('reads every segment once, in the order given, with a bounded number at once', async () => {
    const order = Array.from({ length: 128 }, (_, n) => (n * 37) % 128);
    const started: number[] = [];
    let running = 0;
    let most = 0;
    await eachSegment(
      128,
      async (segment) => {
        started.push(segment);
        running++;
        most = Math.max(most, running);
        await tick();
        running--;
      },
      order,
    );
    expect(started).toEqual(order);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(8);
  });

  it('covers 0…total-1 when no order is given', async () => {
    const seen: number[] = [];
    await eachSegment(16, async (segment) => {
      seen.push(segment);
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, n) => n));
  });

  it('fails when a segment fails, and starts no segment after that', async () => {
    const started: number[] = [];
    const failing = eachSegment(128, async (segment) => {
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
