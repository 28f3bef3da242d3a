import {describe, expect, it} from "vitest";
import fc from "fast-check";
import {CheckpointLog, thinIndex} from "../../src/components/runs/checkpoints.js";

const params = (k: number) => Float64Array.from([k, -k, 0.5 * k]);

describe("CheckpointLog", () => {
  it("records the first state and then every `every` updates, each a copy", () => {
    const log = new CheckpointLog({every: 10, max: 5});
    const p = params(0);
    expect(log.offer(0, 0, p)).toBe(true);
    p[0] = 99;
    expect(log.checkpoints[0].params[0]).toBe(0);
    expect(log.offer(5, 160, params(5))).toBe(false);
    expect(log.offer(10, 320, params(10))).toBe(true);
    expect(log.checkpoints.map((c) => c.steps)).toEqual([0, 10]);
    expect(log.at(10)!.samplesSeen).toBe(320);
    expect(log.bytes).toBe(2 * 3 * 8);
  });

  it("keeps the first, the last and at most `max`, spaced roughly geometrically (property)", () => {
    fc.assert(
      fc.property(fc.integer({min: 2, max: 40}), fc.integer({min: 1, max: 50}), fc.integer({min: 50, max: 3000}), (max, every, offers) => {
        const log = new CheckpointLog({every, max});
        for (let k = 0; k <= offers; k++) log.offer(k * every, k * every * 32, params(k));
        const steps = log.checkpoints.map((c) => c.steps);
        expect(steps.length).toBeLessThanOrEqual(max);
        expect(steps[0]).toBe(0);
        expect(steps.at(-1)).toBe(offers * every);
        expect([...steps].sort((a, b) => a - b)).toEqual(steps);
        // Early training is sampled more finely than late: the first half of the kept checkpoints covers well under half the run.
        if (steps.length >= 8 && offers >= 4 * max) expect(steps[Math.floor(steps.length / 2)]).toBeLessThan(offers * every * 0.5);
      }),
      {numRuns: 60},
    );
  });

  it("drops the interior checkpoint whose neighbours are closest on a log scale", () => {
    expect(thinIndex([0, 1])).toBe(-1);
    expect(thinIndex([0, 100, 110, 120, 1000])).toBe(2);
    expect(thinIndex([0, 1, 2, 3])).toBe(2);
  });

  it("starts afresh when the update count goes back (a reset), and refuses bad settings", () => {
    const log = new CheckpointLog({every: 1, max: 4});
    for (const s of [0, 1, 2, 3]) log.offer(s, s, params(s));
    log.offer(0, 0, params(7));
    expect(log.checkpoints.map((c) => c.params[0])).toEqual([7]);
    log.clear();
    expect(log.checkpoints).toHaveLength(0);
    expect(() => new CheckpointLog({every: 0})).toThrow(/invalid every: 0/);
    expect(() => new CheckpointLog({max: 1})).toThrow(/invalid max: 1/);
  });
});
