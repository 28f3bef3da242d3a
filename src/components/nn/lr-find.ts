/**
 * The learning-rate range test (Smith 2017, "Cyclical learning rates", §3.3; fastai's `lr_find`).
 *
 * One short run on a copy of the network: update i (0-based, of N) uses
 *   η_i = minLr · (maxLr/minLr)^(i/(N − 1)),
 * rising log-linearly from minLr to maxLr. Each point records η_i, the minibatch's loss as that
 * update computed it (before applying it), and the loss smoothed by an exponential moving average
 * with fastai's β = 0.98, debiased as Adam's moments are: s_i = a_i / (1 − β^(i+1)) with
 * a_i = β a_{i−1} + (1 − β) loss_i. The run stops early (and says why in `stopped`) when the
 * smoothed loss exceeds 4× its minimum so far or a loss or weight goes non-finite.
 *
 * Suggestion (fastai v1's "min numerical gradient" and "lr_min" rules together): skip the first
 * 10 % of the points (the EMA has not settled there); `hi` = the η of the smallest smoothed loss
 * divided by 10; `lr` = the η where the smoothed loss falls fastest per unit of log η (central
 * differences, as numpy.gradient), capped at `hi`; `lo` = lr/10. All three are clamped into
 * [minLr, maxLr]. Train with `lr`; `lo`…`hi` is the range a sweep or a one-cycle schedule
 * might span.
 *
 * Deterministic: the samples' order (and dropout masks) come from `seed`, the rates from the
 * cross-engine `pow`, so the points are the same bits in Node, in Chromium and in a worker.
 */
import {ln, pow} from "./math.js";
import type {Network} from "./network.js";
import type {Samples} from "./samples.js";
import {Trainer, type TrainingOptions} from "./trainer.js";

export interface LrFindOptions {
  /** Smallest η, finite and > 0 (default 1e-4, the pages' lower limit). */
  minLr?: number;
  /** Largest η, > minLr (default 10, the pages' upper limit). */
  maxLr?: number;
  /** Updates N in the run, an integer ≥ 2 (default 100). */
  steps?: number;
  /** Minibatch size, an integer ≥ 1. */
  batchSize: number;
  /** Seed of the sample order and the dropout masks (default: the network's seed). */
  seed?: number;
  /** The rest of the run's settings (optimiser, momentum, decay, dropout, …); no schedule applies. */
  training?: Omit<TrainingOptions, "learningRate" | "batchSize" | "seed" | "schedule" | "warmup" | "totalSteps">;
  /** β of the loss's moving average (default 0.98, fastai's). */
  smoothing?: number;
  /** Stop once the smoothed loss exceeds this multiple of its minimum (default 4, fastai's). */
  divergence?: number;
}

export interface LrFindPoint {
  lr: number;
  loss: number;
  smoothed: number;
}

export interface LrFindResult {
  points: LrFindPoint[];
  suggestion: {lr: number; lo: number; hi: number};
  /** Why the run stopped early, or null when it did all N updates. */
  stopped: string | null;
}

/** The η of update i of n from minLr to maxLr, log-linearly. */
export function lrFindRate(i: number, n: number, minLr: number, maxLr: number): number {
  return i === 0 ? minLr : i === n - 1 ? maxLr : minLr * pow(maxLr / minLr, i / (n - 1));
}

/**
 * Runs the range test on a copy of `network` (the network itself is not changed).
 * throws RangeError naming the option and its value for a bad minLr, maxLr, steps, smoothing or
 * divergence (and whatever the Trainer refuses: batch size, optimiser, …).
 */
export function lrFind(network: Network, samples: Samples, options: LrFindOptions): LrFindResult {
  const {minLr = 1e-4, maxLr = 10, steps = 100, batchSize, seed, training = {}, smoothing = 0.98, divergence = 4} = options;
  if (!(Number.isFinite(minLr) && minLr > 0)) throw new RangeError(`invalid minLr: ${minLr} (expected a finite number > 0)`);
  if (!(Number.isFinite(maxLr) && maxLr > minLr)) throw new RangeError(`invalid maxLr: ${maxLr} (expected a finite number > minLr = ${minLr})`);
  if (!(Number.isInteger(steps) && steps >= 2)) throw new RangeError(`invalid steps: ${steps} (expected an integer ≥ 2)`);
  if (!(smoothing >= 0 && smoothing < 1)) throw new RangeError(`invalid smoothing: ${smoothing} (expected a number in [0, 1))`);
  if (!(divergence > 1)) throw new RangeError(`invalid divergence: ${divergence} (expected a number > 1)`);
  const trainer = new Trainer(network.clone(), samples, {...training, learningRate: minLr, batchSize, seed});
  const points: LrFindPoint[] = [];
  let average = 0,
    best = Infinity,
    stopped: string | null = null;
  for (let i = 0; i < steps; i++) {
    const lr = lrFindRate(i, steps, minLr, maxLr);
    trainer.setLearningRate(lr);
    const loss = trainer.step();
    if (!Number.isFinite(loss)) {
      stopped = `the loss became non-finite at η = ${lr.toPrecision(3)} (update ${i + 1} of ${steps})`;
      break;
    }
    average = smoothing * average + (1 - smoothing) * loss;
    const smoothed = average / (1 - pow(smoothing, i + 1));
    points.push({lr, loss, smoothed});
    if (smoothed < best) best = smoothed;
    if (smoothed > divergence * best) {
      stopped = `the smoothed loss exceeded ${divergence}× its minimum at η = ${lr.toPrecision(3)} (update ${i + 1} of ${steps})`;
      break;
    }
  }
  return {points, suggestion: suggest(points, minLr, maxLr), stopped};
}

/** The suggestion rule of the module comment; `points` in ascending η. */
export function suggest(points: readonly LrFindPoint[], minLr: number, maxLr: number): {lr: number; lo: number; hi: number} {
  const clamp = (v: number) => Math.min(maxLr, Math.max(minLr, v));
  if (points.length === 0) return {lr: minLr, lo: minLr, hi: minLr};
  const skip = points.length >= 10 ? Math.floor(points.length / 10) : 0;
  const kept = points.slice(skip);
  let minimum = 0;
  for (let i = 1; i < kept.length; i++) if (kept[i].smoothed < kept[minimum].smoothed) minimum = i;
  const hi = clamp(kept[minimum].lr / 10);
  let steepest = -1,
    slope = Infinity;
  for (let i = 0; i < kept.length; i++) {
    const a = kept[Math.max(0, i - 1)],
      b = kept[Math.min(kept.length - 1, i + 1)];
    if (a === b) continue;
    const s = (b.smoothed - a.smoothed) / (ln(b.lr) - ln(a.lr));
    if (s < slope) {
      slope = s;
      steepest = i;
    }
  }
  const lr = clamp(steepest >= 0 && slope < 0 ? Math.min(kept[steepest].lr, hi) : hi);
  return {lr, lo: clamp(lr / 10), hi};
}
