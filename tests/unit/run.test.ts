import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {Emitter, endOf, isEnded, messageKind, type RunStatus} from "../../src/components/runs/run.js";
import {parseGlyphs, glyphVariants} from "../../src/components/datasets/glyphs.js";
import {MAX_TINY_HISTORY, TinyRun} from "../../src/components/runs/tiny.js";

describe("Emitter", () => {
  it("calls a new listener at once, then on every forced emit; unsubscribing stops it", () => {
    let n = 0;
    const e = new Emitter(() => ++n);
    const got: number[] = [];
    const off = e.subscribe((s) => got.push(s));
    e.emit();
    e.emit();
    off();
    e.emit();
    expect(got).toEqual([1, 2, 3]);
    expect(e.size).toBe(0);
  });

  it("throttles unforced emits to one per throttleMs, by its clock; a forced emit always goes", () => {
    let t = 0;
    const e = new Emitter(
      () => t,
      100,
      () => t,
    );
    const got: number[] = [];
    e.subscribe((s) => got.push(s));
    expect(e.emit(false)).toBe(true); // nothing sent yet by emit: goes
    t = 50;
    expect(e.emit(false)).toBe(false);
    t = 100;
    expect(e.emit(false)).toBe(true);
    t = 150;
    expect(e.emit(false)).toBe(false);
    expect(e.emit(true)).toBe(true);
    expect(got).toEqual([0, 0, 100, 150]);
  });

  it("reads no state when nobody listens, and clear() drops every listener", () => {
    let reads = 0;
    const e = new Emitter(() => ++reads);
    expect(e.emit()).toBe(false);
    expect(reads).toBe(0);
    e.subscribe(() => {});
    e.clear();
    e.emit();
    expect(reads).toBe(1);
  });
});

describe("status rules", () => {
  const all: RunStatus[] = ["idle", "training", "paused", "diverged", "stopped", "crashed", "done"];
  it("ended statuses are exactly those with an end; problems get a caution box, the rest a note", () => {
    for (const s of all) expect(isEnded(s)).toBe(endOf(s, "x") !== null);
    expect(all.filter((s) => messageKind(s) === "caution")).toEqual(["diverged", "stopped", "crashed"]);
  });
});

describe("TinyRun on the Run contract", () => {
  const glyphs = parseGlyphs(readFileSync(new URL("../../data/glyphs-5x5.txt", import.meta.url), "utf8"), "glyphs");
  const inputs = glyphs.map((g) => Float64Array.from(g));
  const held = glyphVariants(glyphs, 2, 7);

  it("records every iteration, so the curve keeps its shape; step makes one and pauses", () => {
    const run = new TinyRun(inputs, held);
    run.trainN(40);
    const {history} = run.state;
    expect(history.map((p) => p.iteration)).toEqual(Array.from({length: 41}, (_, k) => k));
    run.step();
    expect(run.state).toMatchObject({status: "paused", iterations: 41, end: null});
    expect(run.ended).toBe(false);
  });

  it("keeps at most MAX_TINY_HISTORY points, the first and the last among them", () => {
    const run = new TinyRun(inputs, held);
    run.trainN(MAX_TINY_HISTORY + 500);
    const {history} = run.state;
    expect(history.length).toBeLessThanOrEqual(MAX_TINY_HISTORY);
    expect(history[0].iteration).toBe(0);
    expect(history.at(-1)!.iteration).toBe(MAX_TINY_HISTORY + 500);
  });

  it("start trains in the background until paused; reset returns to idle and the seed's weights", async () => {
    const run = new TinyRun(inputs, held);
    const first = run.state.fingerprint;
    run.start();
    expect(run.training).toBe(true);
    await new Promise((r) => setTimeout(r, 80));
    run.pause();
    expect(run.state.status).toBe("paused");
    expect(run.state.iterations).toBeGreaterThan(0);
    run.reset();
    expect(run.state).toMatchObject({status: "idle", iterations: 0, fingerprint: first});
    run.dispose();
  });
});
