#!/usr/bin/env -S npx tsx
/**
 * Measures the MNIST page's default learning rate η for each hidden activation, optimiser and
 * minibatch size, from short real runs, and writes the table the page reads.
 *
 *   npm run -s eta-defaults                      # writes src/components/experiments/eta-table.ts, prints a Markdown table
 *   npm run -s eta-defaults -- --out file.ts      # elsewhere
 *
 * Each cell trains the page's network (784 → 16 → 16 → 10) with the activation's usual partner
 * initialisation (He (Kaiming) normal for ReLU and leaky ReLU, Xavier (Glorot) normal for sigmoid
 * and tanh) for one epoch over the first 10,000 digits of the page's training subset, at every η of
 * a log grid, for 2 seeds, and scores each η by the mean test accuracy on the page's 1,000 test
 * digits (a diverged run scores 0). The default is the best-scoring η. SGD cells use classical
 * momentum μ = 0.9, the page's default; the page rescales for other μ (see eta-defaults.ts).
 */
import {writeFileSync} from "node:fs";
import {availableParallelism} from "node:os";
import {Command} from "commander";
import {validateGrid, type SweepGrid} from "../src/components/runs/sweep.js";
import {sweep} from "./sweep.js";
import {ETA_GRID, ETA_BATCHES, ETA_OPTIMIZERS, PARTNER_INIT, type EtaTable} from "../src/components/experiments/eta-defaults.js";
import {argmax} from "../src/components/nn/index.js";

const program = new Command("eta-defaults")
  .description("measure the MNIST page's default η per activation, optimiser and minibatch size")
  .option("--out <file>", "where to write the table", "src/components/experiments/eta-table.ts")
  .option("--workers <n>", "worker threads", String(availableParallelism()))
  .parse();
const o = program.opts();

const activations = ["relu", "leaky-relu", "tanh", "sigmoid"] as const;
const table: EtaTable = {
  measuredWith: "npm run -s eta-defaults",
  train: 10_000,
  test: 1_000,
  seeds: 2,
  epochs: 1,
  momentum: 0.9,
  lrs: ETA_GRID,
  cells: [],
};
for (const optimizer of ETA_OPTIMIZERS) {
  for (const batch of ETA_BATCHES) {
    for (const activation of activations) {
      const grid: SweepGrid = validateGrid({
        train: table.train,
        test: table.test,
        hidden: [16, 16],
        inits: [PARTNER_INIT[activation]],
        activations: [activation],
        lrs: ETA_GRID,
        seeds: table.seeds,
        epochs: table.epochs,
        batch,
        optimizer,
        momentum: optimizer === "momentum" ? table.momentum : 0,
        pointsPerEpoch: 1,
      });
      const file = await sweep(grid, {workers: Number(o.workers), quiet: true});
      const scores = ETA_GRID.map((lr) => {
        const runs = file.runs.filter((r) => r.config.lr === lr);
        return runs.reduce((s, r) => s + (r.diverged ? 0 : r.testAccuracy), 0) / runs.length;
      });
      const best = argmax(scores);
      table.cells.push({activation, optimizer, batch, lr: ETA_GRID[best], accuracy: +scores[best].toFixed(4), scores: scores.map((s) => +s.toFixed(4))});
      process.stderr.write(`${optimizer} B=${batch} ${activation}: η ${ETA_GRID[best]} (${(100 * scores[best]).toFixed(1)} %)\n`);
    }
  }
}
writeFileSync(
  o.out,
  `// Written by \`npm run -s eta-defaults\` (bin/eta-defaults.ts) on ${new Date().toISOString().slice(0, 10)}; do not edit by hand.\nimport type {EtaTable} from "./eta-defaults.js";\nexport const ETA_TABLE: EtaTable = ${JSON.stringify(table)};\n`,
);
const head = `| optimiser | B | ${activations.join(" | ")} |\n|---|---|${activations.map(() => "---").join("|")}|`;
const rows = ETA_OPTIMIZERS.flatMap((optimizer) =>
  ETA_BATCHES.map((batch) => {
    const cell = (a: string) => table.cells.find((c) => c.optimizer === optimizer && c.batch === batch && c.activation === a)!;
    return `| ${optimizer === "momentum" ? "SGD, μ 0.9" : "Adam"} | ${batch} | ${activations.map((a) => `${cell(a).lr} (${(100 * cell(a).accuracy).toFixed(1)} %)`).join(" | ")} |`;
  }),
);
process.stdout.write([head, ...rows].join("\n") + "\n");
