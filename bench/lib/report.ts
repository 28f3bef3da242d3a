/**
 * Turns the runs into the summary rows, the target verdicts and the printed table.
 */
import type {LibInfo} from "./workloads.js";
import type {LibId, RunResult, Workload} from "./types.js";

export interface Failure {
  lib: LibId;
  workload: string;
  round: number;
  error: string;
}

export interface Row {
  workload: string;
  lib: LibId;
  runs: number;
  medianPerSec: number;
  minPerSec: number;
  maxPerSec: number;
  /** ours ÷ this library (for ours: ours ÷ best peer), null when unknown. */
  oursRatio: number | null;
  peakRssMB: number;
  /** Median test accuracy over rounds; null when no round finished the epoch. */
  accuracy: number | null;
  accuracyRange: [number, number] | null;
  partial: boolean;
  method: string;
  notes: string[];
}

export interface Verdict {
  workload: string;
  /** The fastest external library and its median samples/s. */
  bestPeer: {lib: LibId; perSec: number} | null;
  against: LibId | null;
  ratio: number | null;
  factor: number;
  pass: boolean | null;
  /**
   * Spread of test accuracy (max − min, in [0, 1]) among the libraries computing our exact model:
   * all of them, and those with float64 arithmetic only.
   */
  sameModelSpread: {all: Spread | null; float64: Spread | null};
}

export interface Spread {
  libs: LibId[];
  spread: number;
}

/** Rows that could not run: (workload, lib) → why. */
export type Skips = Map<string, string>;
export const skipKey = (workload: string, lib: LibId): string => `${workload}\u0000${lib}`;

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function summarise(workloads: Workload[], libs: LibInfo[], runs: RunResult[]): {rows: Row[]; verdicts: Verdict[]} {
  const rows: Row[] = [];
  const verdicts: Verdict[] = [];
  for (const w of workloads) {
    const wRows: Row[] = [];
    for (const lib of libs) {
      const rs = runs.filter((r) => r.workload === w.id && r.lib === lib.id);
      if (!rs.length) continue;
      const perSec = rs.map((r) => r.samplesPerSec);
      const accs = rs.map((r) => r.accuracy).filter((a): a is number => a !== null);
      const partial = rs.filter((r) => r.partial);
      const notes = [...new Set(rs.flatMap((r) => r.notes))];
      const engines = [...new Set(rs.map((r) => r.engine ?? "unknown"))];
      if (lib.id === "ours" && engines.length > 1) {
        notes.push(
          `the engine changed during the bench: ${engines
            .map(
              (e) =>
                `${e} (round ${rs
                  .filter((r) => (r.engine ?? "unknown") === e)
                  .map((r) => r.round)
                  .join(", ")})`,
            )
            .join(", ")}`,
        );
      }
      if (partial.length) {
        const done = partial.map((r) => r.samples);
        const range = Math.min(...done) === Math.max(...done) ? int(done[0]) : `${int(Math.min(...done))}–${int(Math.max(...done))}`;
        notes.push(`partial epoch in ${partial.length} of ${rs.length} runs: ${range} of ${int(partial[0].epochSamples)} samples within the time budget; samples/s extrapolated`);
      }
      wRows.push({
        workload: w.id,
        lib: lib.id,
        runs: rs.length,
        medianPerSec: median(perSec),
        minPerSec: Math.min(...perSec),
        maxPerSec: Math.max(...perSec),
        oursRatio: null,
        peakRssMB: Math.max(...rs.map((r) => r.maxRssMB)),
        accuracy: accs.length ? median(accs) : null,
        accuracyRange: accs.length ? [Math.min(...accs), Math.max(...accs)] : null,
        partial: partial.length > 0,
        method: rs[0].method,
        notes,
      });
    }
    const ours = wRows.find((r) => r.lib === "ours");
    const peers = wRows.filter((r) => libs.find((l) => l.id === r.lib)?.peer);
    const best = peers.reduce<Row | null>((b, r) => (!b || r.medianPerSec > b.medianPerSec ? r : b), null);
    for (const r of wRows) {
      if (!ours) continue;
      r.oursRatio = r === ours ? (best ? ours.medianPerSec / best.medianPerSec : null) : ours.medianPerSec / r.medianPerSec;
    }
    const same = wRows.filter((r) => libs.find((l) => l.id === r.lib)?.sameModel && r.accuracy !== null);
    const sameModelSpread = {
      all: spreadOf(same),
      float64: spreadOf(same.filter((r) => libs.find((l) => l.id === r.lib)?.precision === "float64")),
    };
    if (w.target) {
      const against = w.target.against === "best-peer" ? (best ?? null) : (wRows.find((r) => r.lib === w.target!.against) ?? null);
      const ratio = ours && against ? ours.medianPerSec / against.medianPerSec : null;
      verdicts.push({
        workload: w.id,
        bestPeer: best ? {lib: best.lib, perSec: best.medianPerSec} : null,
        against: against?.lib ?? null,
        ratio,
        factor: w.target.factor,
        pass: ratio === null ? null : ratio >= w.target.factor,
        sameModelSpread,
      });
    } else {
      verdicts.push({workload: w.id, bestPeer: best ? {lib: best.lib, perSec: best.medianPerSec} : null, against: null, ratio: null, factor: 0, pass: null, sameModelSpread});
    }
    rows.push(...wRows);
  }
  return {rows, verdicts};
}

function spreadOf(rows: Row[]): Spread | null {
  if (!rows.length) return null;
  const accs = rows.map((r) => r.accuracy!);
  return {libs: rows.map((r) => r.lib), spread: Math.max(...accs) - Math.min(...accs)};
}

const int = (x: number): string => Math.round(x).toLocaleString("en-US");
const times = (x: number | null): string => (x === null ? "—" : `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`);
const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

function table(header: string[], body: string[][], right: boolean[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  const line = (cells: string[]): string =>
    cells
      .map((s, c) => (right[c] ? s.padStart(widths[c]) : s.padEnd(widths[c])))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((n) => "-".repeat(n)).join("  "), ...body.map(line)].join("\n");
}

export interface ReportInput {
  workloads: Workload[];
  libs: LibInfo[];
  rows: Row[];
  verdicts: Verdict[];
  failures: Failure[];
  skips: Skips;
  trainCount: number;
  rounds: number;
  budgetSeconds: number;
  /** Budget of the accuracy-only (one-round) rows. */
  accuracyBudgetSeconds: number;
}

/** The text printed to stdout. */
export function render({workloads, libs, rows, verdicts, failures, skips, trainCount, rounds, budgetSeconds, accuracyBudgetSeconds}: ReportInput): string {
  const footnotes: string[] = [];
  const mark = (note: string): string => {
    let k = footnotes.indexOf(note);
    if (k < 0) k = footnotes.push(note) - 1;
    return `[${k + 1}]`;
  };
  const body: string[][] = [];
  for (const w of workloads) {
    for (const lib of libs) {
      const r = rows.find((x) => x.workload === w.id && x.lib === lib.id);
      const skip = skips.get(skipKey(w.id, lib.id));
      const failed = failures.filter((f) => f.workload === w.id && f.lib === lib.id);
      if (!r) {
        if (skip) body.push([w.label, lib.id, "n/a", "", "", "", "", mark(skip)]);
        else if (failed.length) body.push([w.label, lib.id, "FAILED", "", "", "", "", mark(`${lib.id} ${w.label}: ${failed[0].error}`)]);
        continue;
      }
      const notes = [...r.notes];
      if (failed.length) notes.push(`${failed.length} of ${failed.length + r.runs} rounds failed: ${failed[0].error}`);
      if (w.kind === "infer-batch") notes.push(`${r.lib}: ${r.method}`);
      const acc =
        r.accuracy === null ? "n/a" : r.accuracyRange && r.accuracyRange[1] - r.accuracyRange[0] > 0 ? `${pct(r.accuracy)} (${pct(r.accuracyRange[0])}–${pct(r.accuracyRange[1])})` : pct(r.accuracy);
      body.push([
        w.label,
        r.lib,
        int(r.medianPerSec) + (r.partial ? "*" : ""),
        r.runs > 1 ? `${int(r.minPerSec)}–${int(r.maxPerSec)}` : "",
        r.lib === "ours" ? (r.oursRatio === null ? "—" : `${times(r.oursRatio)} best`) : times(r.oursRatio),
        r.peakRssMB.toFixed(0),
        acc,
        notes.map(mark).join(" "),
      ]);
    }
  }
  const out: string[] = [];
  out.push(`MNIST, one epoch over ${int(trainCount)} training images, test on 10,000; median of ${rounds} round(s); time budget per training run ${budgetSeconds} s`);
  const accuracyRows = workloads.filter((w) => w.accuracyOnly).map((w) => w.label);
  if (accuracyRows.length) out.push(`${accuracyRows.join(", ")}: for accuracy, one round with a ${accuracyBudgetSeconds} s budget`);
  out.push("");
  out.push(table(["workload", "library", "samples/s", "min–max", "ours ÷ lib", "RSS MB", "test acc.", "notes"], body, [false, false, true, true, true, true, true, false]));
  out.push("");
  out.push("ours ÷ lib: how many times faster ours is (ours' own row: ours ÷ best peer).  * partial epoch, samples/s extrapolated.");
  out.push("Peers: a plain Float32Array loop (plain-f32, the straightforward implementation), tfjs-cpu, tfjs-wasm, convnetjs, brain.js.");
  footnotes.forEach((n, k) => out.push(`[${k + 1}] ${n}`));
  out.push("");
  const vBody = verdicts.map((v) => {
    const w = workloads.find((x) => x.id === v.workload)!;
    const best = v.bestPeer ? `${v.bestPeer.lib} ${int(v.bestPeer.perSec)}/s` : "—";
    const target = w.target ? `≥ ${w.target.factor}× ${w.target.against === "best-peer" ? "best peer" : w.target.against}` : "(accuracy only)";
    const verdict = v.pass === null ? (w.target ? "n/a" : "") : v.pass ? "PASS" : "FAIL";
    const spread = (s: Spread | null): string => (s ? `${pct(s.spread)} (${s.libs.length})` : "—");
    return [w.label, best, times(v.ratio), target, verdict, spread(v.sameModelSpread.all), spread(v.sameModelSpread.float64)];
  });
  out.push(table(["workload", "best peer", "ours ÷ target lib", "target", "verdict", "acc. spread, all", "float64 only"], vBody, [false, false, true, false, false, true, true]));
  const same = libs.filter((l) => l.sameModel);
  out.push(
    `acc. spread: max − min test accuracy (number of libraries) among those computing the identical model (${same.map((l) => l.id).join(", ")}); ` +
      `float64 only: ${same
        .filter((l) => l.precision === "float64")
        .map((l) => l.id)
        .join(", ")}. ` +
      "Training at batch 1 and η = 0.05 is chaotic: rounding alone (float32 vs float64, even the order of a sum) moves its final accuracy by several points.",
  );
  return out.join("\n");
}
