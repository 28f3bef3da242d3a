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
