/**
 * The 5×5 page's experiment: its network (25 → hidden sigmoid units → 10 sigmoid outputs,
 * squared error against 0.99 / 0 targets), its defaults and its run-defining controls as one
 * schema (defaults, ranges, URL). The lifecycle is runs/tiny.ts.
 */
import type {NetworkConfig} from "../nn/index.js";
import {LEARNING_RATE_RANGE, SEED_RANGE} from "./limits.js";
import {number, type Values} from "./params.js";

/**
 * Defaults of the 5×5 page. At η = 2 with 10 hidden units the ten glyphs are all read correctly
 * after 220–480 iterations for seeds 1–5 (370 for seed 1; measured with TinyRun, checked by
 * tests/unit/glyphs.test.ts at 500); η = 1 needs 340–700, η = 0.5 needs 790–1,170.
 */
export const TINY_DEFAULTS = {hidden: 10, lr: 2, seed: 1, trainN: 500};
export const TINY_TARGETS = {on: 0.99, off: 0};

/** The 5×5 page's run-defining controls (defaults, ranges, URL): 1–30 hidden units, η and the seed in the workbook's ranges. */
export const tinySchema = {
  hidden: number(TINY_DEFAULTS.hidden, {min: 1, max: 30, integer: true}),
  lr: number(TINY_DEFAULTS.lr, {min: LEARNING_RATE_RANGE[0], max: LEARNING_RATE_RANGE[1]}),
  seed: number(TINY_DEFAULTS.seed, {min: SEED_RANGE[0], max: SEED_RANGE[1], integer: true}),
};
export type TinyValues = Values<typeof tinySchema>;

export function tinyConfig(hidden: number, seed: number): NetworkConfig {
  return {layers: [25, hidden, 10], activation: "sigmoid", head: "sigmoid-mse", targets: TINY_TARGETS, init: "xavier-uniform", seed};
}
