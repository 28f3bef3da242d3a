// One set of limits for every entry point (issue 16): the parameter cap that `train` applies holds
// for grids from the Compare page's URL, the sweep CLI's flags and grid files; epochs are capped in
// `train` and in grids alike.
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it, vi} from "vitest";
import {main as sweepMain} from "../../bin/sweep.js";
import {main as trainMain} from "../../bin/train.js";
import {readCompareState} from "../../src/components/experiments/compare-params.js";
import {MAX_EPOCHS, MAX_PARAMETERS, parameterCount} from "../../src/components/experiments/limits.js";
import {GridError, validateGrid} from "../../src/components/runs/sweep.js";

const dir = mkdtempSync(join(tmpdir(), "limits-"));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

async function quiet<T>(f: () => T | Promise<T>): Promise<{value: T; stderr: string}> {
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    return {value: await f(), stderr};
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const huge = Array.from({length: 1000}, () => 512);

describe("one parameter cap for train, grids, the CLI and the page", () => {
  it("counts weights and biases as train does", () => {
    expect(parameterCount([784, 16, 16, 10])).toBe(784 * 16 + 16 + 16 * 16 + 16 + 16 * 10 + 10);
    expect(parameterCount([784, ...huge, 10])).toBeGreaterThan(MAX_PARAMETERS);
  });

  it("a grid over the cap is refused naming hidden; at the cap it is accepted", () => {
    expect(() => validateGrid({hidden: huge})).toThrow(GridError);
    expect(() => validateGrid({hidden: huge})).toThrow(/^invalid hidden: 1000 layers make 262,[\d,]+ weights and biases \(at most 2,000,000, as for train\)$/);
    expect(() => validateGrid({hidden: [512, 512, 512, 512, 512, 512, 512, 512]})).toThrow(/invalid hidden/);
    expect(validateGrid({hidden: [512, 512]}).hidden).toEqual([512, 512]);
  });

  it("the Compare page's URL falls back with a note", () => {
    const {grid, problems} = readCompareState(`?hidden=${huge.join(",")}`);
    expect(grid.hidden).toEqual([16, 16]);
    expect(problems[0]).toMatch(/^URL parameter hidden=".*" ignored \(invalid hidden: 1000 layers make/);
    expect(problems[0].length).toBeLessThan(300);
  });

  it("the sweep CLI refuses it at once, from flags and from a grid file (exit 2)", async () => {
    const started = Date.now();
    const flags = await quiet(() => sweepMain(["--hidden", huge.join(","), "--lr", "0.1", "--quiet"]));
    expect(flags.value).toBe(2);
    expect(flags.stderr).toContain("invalid hidden: 1000 layers");
    const file = join(dir, "grid.json");
    writeFileSync(file, JSON.stringify({hidden: huge}));
    const grid = await quiet(() => sweepMain(["--grid", file, "--quiet"]));
    expect(grid.value).toBe(2);
    expect(grid.stderr).toContain(`--grid ${file}: invalid hidden: 1000 layers`);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("one epochs cap", () => {
  it("train refuses --epochs 1e308 and anything over MAX_EPOCHS (exit 2)", async () => {
    for (const epochs of ["1e308", String(MAX_EPOCHS + 1), "Infinity"]) {
      const {value, stderr} = await quiet(() => trainMain(["--epochs", epochs, "--quiet"]));
      expect(value, epochs).toBe(2);
      expect(stderr).toContain(`--epochs must be a number > 0 and at most ${MAX_EPOCHS}`);
    }
  });

  it("grids refuse more than MAX_EPOCHS", () => {
    expect(() => validateGrid({epochs: MAX_EPOCHS + 1})).toThrow(`invalid epochs: ${MAX_EPOCHS + 1} (expected a whole number from 1 to ${MAX_EPOCHS})`);
  });
});
