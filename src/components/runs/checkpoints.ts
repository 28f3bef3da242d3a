/**
 * A run's checkpoints for time travel: copies of every weight and bias at chosen updates, thinned
 * logarithmically so that memory stays bounded however long the run goes on.
 *
 * A checkpoint is recorded when the run has made at least `every` updates since the last one (and
 * always for the first state seen). When there are more than `max`, one interior checkpoint is
 * dropped: the one whose neighbours are closest on a log scale of updates, log(1 + t_{i+1}) −
 * log(1 + t_{i−1}), ties to the earlier. The first and the last are never dropped, so the log keeps
 * the start, now, and a roughly geometric spread in between: early training, where the network
 * changes fastest, stays finely sampled.
 *
 * Memory: at most `max` × parameters × 8 bytes (48 × 13,002 × 8 ≈ 5.0 MB for the MNIST page's
 * 784-16-16-10 network).
 */
export interface Checkpoint {
  /** Updates applied when it was taken. */
  steps: number;
  samplesSeen: number;
  /** Every weight and bias, packed layer by layer (worker-run.ts packParameters). */
  params: Float64Array;
}

export const CHECKPOINT_EVERY = 25;
export const MAX_CHECKPOINTS = 48;

/** Which interior checkpoint to drop (index), from the update counts in ascending order; −1 when fewer than three. */
export function thinIndex(steps: readonly number[]): number {
  let best = -1,
    smallest = Infinity;
  for (let i = 1; i < steps.length - 1; i++) {
    const gap = Math.log1p(steps[i + 1]) - Math.log1p(steps[i - 1]);
    if (gap < smallest) {
      smallest = gap;
      best = i;
    }
  }
  return best;
}

export class CheckpointLog {
  readonly every: number;
  readonly max: number;
  private readonly list: Checkpoint[] = [];

  /** throws RangeError unless every ≥ 1 and max ≥ 2 are whole numbers. */
  constructor({every = CHECKPOINT_EVERY, max = MAX_CHECKPOINTS}: {every?: number; max?: number} = {}) {
    if (!(Number.isInteger(every) && every >= 1)) throw new RangeError(`invalid every: ${every} (expected a whole number ≥ 1)`);
    if (!(Number.isInteger(max) && max >= 2)) throw new RangeError(`invalid max: ${max} (expected a whole number ≥ 2)`);
    this.every = every;
    this.max = max;
  }

  /** The checkpoints, oldest first. */
  get checkpoints(): readonly Checkpoint[] {
    return this.list;
  }

  /** Parameters held, in bytes. */
  get bytes(): number {
    return this.list.reduce((s, c) => s + c.params.byteLength, 0);
  }

  /**
   * Offers the state after `steps` updates; records a copy of `params` when it is the first, or
   * `every` updates after the last. A step count below the last one (a reset, a loaded network)
   * starts the log afresh. Returns whether it recorded.
   */
  offer(steps: number, samplesSeen: number, params: Float64Array): boolean {
    const last = this.list[this.list.length - 1];
    if (last && steps < last.steps) this.list.length = 0;
    else if (last && steps - last.steps < this.every) return false;
    this.list.push({steps, samplesSeen, params: params.slice()});
    while (this.list.length > this.max) this.list.splice(thinIndex(this.list.map((c) => c.steps)), 1);
    return true;
  }

  /** The checkpoint at exactly `steps` updates, or null. */
  at(steps: number): Checkpoint | null {
    return this.list.find((c) => c.steps === steps) ?? null;
  }

  clear(): void {
    this.list.length = 0;
  }
}
