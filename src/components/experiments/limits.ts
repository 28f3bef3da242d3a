/**
 * Ranges shared by every page, the URL schemas and the CLIs, so a value one of them accepts the
 * others accept too.
 */

/** Learning rate η: accepted from 1e-4 to 10 inclusive, on the page, in the URL and on the command line. */
export const LEARNING_RATE_RANGE = [1e-4, 10] as const;

/** Momentum μ: classical momentum must stay below 1 (μ = 1 never forgets a gradient). */
export const MOMENTUM_RANGE = [0, 0.99] as const;

/** Seeds: integers from 0 to 2³¹ − 1 (what the pages and the CLI accept). */
export const SEED_RANGE = [0, 2 ** 31 - 1] as const;

/** Largest layer any entry point builds (CLI, grids, pages). */
export const MAX_UNITS = 4096;

/** Most weights and biases in one network, for every entry point: `train`, grids (page, URL, CLI, files). */
export const MAX_PARAMETERS = 2_000_000;

/** Most passes over the training set in one run (`train --epochs`, a grid's epochs). */
export const MAX_EPOCHS = 100;

/** Weights and biases of a fully-connected network with these layer sizes (input first). */
export const parameterCount = (layers: readonly number[]): number => layers.slice(1).reduce((sum, n, l) => sum + n * (layers[l] + 1), 0);

/** Weight decay λ (L2 or decoupled): from 0 (none) to 1. */
export const WEIGHT_DECAY_RANGE = [0, 1] as const;

/** Dropout probability p on hidden layers: from 0 (none) up to, not including, 1 (every unit dropped). */
export const DROPOUT_RANGE = [0, 1] as const;

/** Linear learning-rate warm-up, in updates. */
export const WARMUP_RANGE = [0, 100_000] as const;
