/**
 * The MNIST page's default learning rate η for a hidden activation at the current optimiser,
 * minibatch size B and momentum μ, read from a table measured by short real runs
 * (`npm run -s eta-defaults`, bin/eta-defaults.ts, which writes ./eta-table.ts).
 *
 * The table has one cell per activation × optimiser (SGD with μ = 0.9, Adam) × B ∈ ETA_BATCHES.
 * Other B use the nearest measured B on a log scale. For SGD with another μ the cell's η is
 * rescaled to keep the effective step η / (1 − μ) of the measured run (the usual reading of
 * heavy-ball momentum, e.g. Goodfellow, Bengio & Courville, 2016, §8.3.2), then clamped to
 * LEARNING_RATE_RANGE and rounded to 2 significant digits.
 */
import type {ActivationName, InitName} from "../nn/index.js";
import {LEARNING_RATE_RANGE} from "./limits.js";
import {ETA_TABLE} from "./eta-table.js";

/** The η grid every cell is measured on. */
export const ETA_GRID = [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3];
/** Minibatch sizes measured. */
export const ETA_BATCHES = [1, 8, 32, 128];
/** Optimisers measured ("momentum" = classical momentum, μ = 0.9). */
export const ETA_OPTIMIZERS = ["momentum", "adam"] as const;
/** The initialisation each activation is usually paired with (He et al., 2015; Glorot & Bengio, 2010). */
export const PARTNER_INIT: Record<"relu" | "leaky-relu" | "tanh" | "sigmoid", InitName> = {
  relu: "he-normal",
  "leaky-relu": "he-normal",
  tanh: "xavier-normal",
  sigmoid: "xavier-normal",
};

export interface EtaCell {
  activation: string;
  optimizer: (typeof ETA_OPTIMIZERS)[number];
  batch: number;
  /** The chosen η: best mean test accuracy over the seeds. */
  lr: number;
  /** Its mean test accuracy (0–1). */
  accuracy: number;
  /** Mean test accuracy at every η of `lrs` (a diverged run counts 0). */
  scores: number[];
}

export interface EtaTable {
  measuredWith: string;
  train: number;
  test: number;
  seeds: number;
  epochs: number;
  /** μ of the SGD cells. */
  momentum: number;
  lrs: number[];
  cells: EtaCell[];
}

const round2 = (x: number) => +x.toPrecision(2);

/**
 * The default η for `activation` at the page's optimiser ("sgd" means SGD with momentum μ, μ = 0
 * plain SGD), minibatch size and μ. throws RangeError for an activation the table has no cell for.
 */
export function defaultEta(activation: ActivationName | string, optimizer: "sgd" | "adam", batch: number, momentum: number, table: EtaTable = ETA_TABLE): number {
  const kind = optimizer === "adam" ? "adam" : "momentum";
  const cells = table.cells.filter((c) => c.activation === activation && c.optimizer === kind);
  if (!cells.length) throw new RangeError(`invalid activation: ${JSON.stringify(activation)} (no measured η; known: ${[...new Set(table.cells.map((c) => c.activation))].join(", ")})`);
  const b = Math.max(1, batch);
  const cell = cells.reduce((best, c) => (Math.abs(Math.log(c.batch / b)) < Math.abs(Math.log(best.batch / b)) ? c : best));
  const lr = kind === "adam" ? cell.lr : (cell.lr * (1 - Math.min(momentum, 0.99))) / (1 - table.momentum);
  return Math.min(LEARNING_RATE_RANGE[1], Math.max(LEARNING_RATE_RANGE[0], round2(lr)));
}
