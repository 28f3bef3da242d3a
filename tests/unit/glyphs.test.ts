import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {GlyphFileError, glyphVariants, parseGlyphs} from "../../src/components/datasets/glyphs.js";
import {TINY_DEFAULTS, TinyRun} from "../../src/components/runs/tiny.js";

const text = readFileSync(new URL("../../data/glyphs-5x5.txt", import.meta.url), "utf8");
const glyphs = parseGlyphs(text, "data/glyphs-5x5.txt");

describe("the 5×5 glyphs (data/glyphs-5x5.txt)", () => {
  it("are ten distinct 5×5 binary bitmaps, each with ink", () => {
    expect(glyphs).toHaveLength(10);
    for (const g of glyphs) {
      expect(g).toHaveLength(25);
      expect(g.every((v) => v === 0 || v === 1)).toBe(true);
      expect(g.reduce((s, v) => s + v, 0)).toBeGreaterThan(4);
    }
    expect(new Set(glyphs.map((g) => g.join(""))).size).toBe(10);
  });

  it("the zero is a ring", () => {
    expect(Array.from(glyphs[0]).join("")).toBe("0111010001100011000101110");
  });

  it("a malformed file fails naming the file and the line", () => {
    expect(() => parseGlyphs(text.replace("digit 3", "digit three"), "g.txt")).toThrow(GlyphFileError);
    expect(() => parseGlyphs(text.replace("digit 3", "digit three"), "g.txt")).toThrow(/g.txt:\d+: expected "digit 3", found "digit three"/);
    expect(() => parseGlyphs(text.replace("#####\n...#.", "####\n...#."), "g.txt")).toThrow(/g.txt:\d+: expected 5 characters/);
    expect(() => parseGlyphs(text.split("digit 9")[0], "g.txt")).toThrow(/g.txt: 9 digits, expected 10/);
  });

  it("variants are seeded: the same seed gives the same set, another seed another", () => {
    const a = glyphVariants(glyphs, 3, 1),
      b = glyphVariants(glyphs, 3, 1),
      c = glyphVariants(glyphs, 3, 2);
    expect(a.inputs.map((x) => x.join(""))).toEqual(b.inputs.map((x) => x.join("")));
    expect(a.inputs.map((x) => x.join(""))).not.toEqual(c.inputs.map((x) => x.join("")));
    expect(a.labels).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe("the 5×5 network (TinyRun)", () => {
  const inputs = glyphs.map((g) => Float64Array.from(g));
  const held = glyphVariants(glyphs, 10, 2024);

  it(`reaches 100 % on its ten glyphs within ${TINY_DEFAULTS.trainN} iterations at the defaults (η ${TINY_DEFAULTS.lr}, ${TINY_DEFAULTS.hidden} hidden units), and generalises far worse`, () => {
    const run = new TinyRun(inputs, held);
    expect(run.state.trainAccuracy).toBeLessThan(0.5);
    run.trainN(TINY_DEFAULTS.trainN);
    expect(run.state.trainAccuracy).toBe(1);
    expect(run.state.heldOutAccuracy).toBeLessThan(0.6);
    expect(run.state.history.at(-1)!.loss).toBeLessThan(run.state.history[0].loss);
  });

  it("Reset gives back the seed's weights; editing one weight changes the outputs and the fingerprint", () => {
    const run = new TinyRun(inputs, held, {seed: 3});
    const initial = run.state.fingerprint;
    const before = run.network.forward(inputs[2]).slice();
    run.setWeight(2, 2, 0, 5);
    expect(run.state.fingerprint).not.toBe(initial);
    expect(run.network.forward(inputs[2])[2]).not.toBe(before[2]);
    run.reset();
    expect(run.state.fingerprint).toBe(initial);
    expect(() => run.setWeight(3, 0, 0, 1)).toThrow(/invalid weight/);
  });

  it("one hidden unit still trains (badly)", () => {
    const run = new TinyRun(inputs, held, {hidden: 1});
    run.trainN(500);
    expect(run.state.iterations).toBe(500);
    expect(run.state.trainAccuracy).toBeLessThan(1);
  });
});
