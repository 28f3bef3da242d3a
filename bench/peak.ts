/**
 * `npx tsx bench/peak.ts`: this machine's peak float64 arithmetic on one core, the denominator of
 * the roofline figures in README "Performance". A tight WebAssembly loop of twelve independent
 * f64x2 chains a ← a·m + c (a multiply, then an add: never fused, as the engine's kernels) and the
 * same with eight scalar f64 chains, compiled by asc (the kernel's own compiler), best of 5 runs of
 * 5·10⁷ iterations after a warm-up. FLOPs: one per lane per multiply or add.
 */
import {execFileSync} from "node:child_process";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {createRequire} from "node:module";
import {loadavg, tmpdir} from "node:os";
import {join} from "node:path";

const chains = (n: number, lanes: boolean) => Array.from({length: n}, (_, k) => (lanes ? `a${k} = f64x2.add(f64x2.mul(a${k}, m), c);` : `a${k} = a${k} * m + c;`)).join(" ");
const source = `
export function vector(n: i32, m0: f64, c0: f64): f64 {
  const m = f64x2.splat(m0), c = f64x2.splat(c0);
  ${Array.from({length: 12}, (_, k) => `let a${k} = f64x2.splat(${k + 1});`).join(" ")}
  for (let i: i32 = 0; i < n; i++) { ${chains(12, true)} }
  let s = f64x2.splat(0);
  ${Array.from({length: 12}, (_, k) => `s = f64x2.add(s, a${k});`).join(" ")}
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}
export function scalar(n: i32, m: f64, c: f64): f64 {
  ${Array.from({length: 8}, (_, k) => `let a${k}: f64 = ${k + 1};`).join(" ")}
  for (let i: i32 = 0; i < n; i++) { ${chains(8, false)} }
  return ${Array.from({length: 8}, (_, k) => `a${k}`).join(" + ")};
}
`;
const dir = mkdtempSync(join(tmpdir(), "peak-"));
let exports: {vector(n: number, m: number, c: number): number; scalar(n: number, m: number, c: number): number};
try {
  writeFileSync(join(dir, "peak.ts"), source);
  const asc = createRequire(import.meta.url).resolve("assemblyscript/bin/asc.js");
  execFileSync(process.execPath, [asc, join(dir, "peak.ts"), "--outFile", join(dir, "peak.wasm"), "--enable", "simd", "-O3", "--runtime", "stub", "--noAssert"]);
  exports = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(join(dir, "peak.wasm"))), {}).exports as typeof exports;
} finally {
  rmSync(dir, {recursive: true, force: true});
}
const n = 50_000_000;
const best = (run: () => void, flops: number) => {
  run();
  let top = 0;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    run();
    top = Math.max(top, flops / ((performance.now() - t) / 1000));
  }
  return top / 1e9;
};
const vector = best(() => exports.vector(n, 0.999, 0.001), n * 12 * 2 * 2);
const scalar = best(() => exports.scalar(n, 0.999, 0.001), n * 8 * 2);
console.log(JSON.stringify({f64x2GflopsPerSecond: +vector.toFixed(2), scalarGflopsPerSecond: +scalar.toFixed(2), loadAverage: loadavg().map((x) => +x.toFixed(2))}));
