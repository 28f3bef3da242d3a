// The Slurm recipe (examples/slurm/sweep.sbatch) from a fresh clone: Slurm opens a task's
// --output / --error file before the script runs, so each must lie in a folder that exists at
// submission (the submit directory, or one the repository tracks), never one the script creates.
// The run on a real single-node Slurm is in the README ("Sweeps on a cluster").
import {execFileSync} from "node:child_process";
import {existsSync, readFileSync} from "node:fs";
import {dirname} from "node:path";
import {describe, expect, it} from "vitest";
import {validateGrid} from "../../src/components/runs/sweep.js";

const root = new URL("../../", import.meta.url).pathname;
const script = readFileSync(`${root}examples/slurm/sweep.sbatch`, "utf8");
const directives = [...script.matchAll(/^#SBATCH\s+--([\w-]+)(?:[=\s]+(\S+))?/gm)].map((m) => ({name: m[1], value: m[2] ?? ""}));

/** Folders a fresh clone has: those of the files git tracks. */
function trackedFolders(): Set<string> {
  const files = execFileSync("git", ["ls-files"], {cwd: root, encoding: "utf8"}).split("\n").filter(Boolean);
  const folders = new Set<string>(["."]);
  for (const file of files) for (let d = dirname(file); d !== "."; d = dirname(d)) folders.add(d);
  return folders;
}

describe("examples/slurm/sweep.sbatch", () => {
  it("is valid bash", () => {
    expect(() => execFileSync("bash", ["-n", `${root}examples/slurm/sweep.sbatch`])).not.toThrow();
  });

  it("logs only into folders that exist when sbatch is run from a fresh clone's root", () => {
    const logs = directives.filter((d) => d.name === "output" || d.name === "error" || d.name === "o" || d.name === "e");
    expect(logs.length).toBeGreaterThan(0);
    const folders = trackedFolders();
    for (const log of logs) {
      const folder = dirname(log.value);
      expect(log.value.startsWith("/"), `${log.name}=${log.value} must be relative to the submit directory`).toBe(false);
      expect(folders.has(folder), `--${log.name}=${log.value}: folder ${folder} is not in a fresh clone (the script's mkdir runs too late)`).toBe(true);
    }
  });

  it("runs the grid file it names, one shard per array task, from the workbook's root", () => {
    expect(script).toMatch(/--grid examples\/grid\.json/);
    expect(existsSync(`${root}examples/grid.json`)).toBe(true);
    expect(() => validateGrid(JSON.parse(readFileSync(`${root}examples/grid.json`, "utf8")))).not.toThrow();
    expect(script).toContain('--shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}"');
    expect(directives.find((d) => d.name === "array")?.value).toMatch(/^1-\d+$/);
    // Run from elsewhere, a task exits at once and says why.
    expect(script).toMatch(/run sbatch from the workbook's root/);
  });
});
