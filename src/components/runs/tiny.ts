/**
 * The 5×5 network's run: 25 inputs → hidden sigmoid units → 10 sigmoid outputs, squared error
 * against targets 0.99 / 0, plain per-sample SGD cycling through the ten glyphs in order (one
 * iteration = one glyph), on the Run contract so the page's cells only read its state.
 */
import {arraySamples, evaluate, fingerprint, Network, Trainer, type Samples} from "../nn/index.js";
import {decimateHistory} from "./live-run.js";
import {Emitter, type Run, type RunStateBase} from "./run.js";
import {TINY_DEFAULTS, tinyConfig} from "../experiments/tiny.js";

export {TINY_DEFAULTS, TINY_TARGETS, tinyConfig, tinySchema, type TinyValues} from "../experiments/tiny.js";

export interface TinyPoint {
  iteration: number;
  /** Mean squared-error loss over the ten glyphs. */
  loss: number;
  /** Share of the ten glyphs read correctly (0–1). */
  trainAccuracy: number;
  /** Share of the held-out noisy, shifted variants read correctly (0–1). */
  heldOutAccuracy: number;
}

export interface TinyState extends RunStateBase {
  status: "idle" | "training" | "paused";
  iterations: number;
  loss: number;
  trainAccuracy: number;
  heldOutAccuracy: number;
  fingerprint: string;
  /** One point per iteration, at most MAX_TINY_HISTORY (older points thinned, as LiveRun does). */
  history: TinyPoint[];
  /** Bumped on every change of the weights, so views know to redraw. */
  version: number;
}

/** Most points a TinyRun's history keeps: every iteration is recorded, older ones thinned beyond this. */
export const MAX_TINY_HISTORY = 2000;

/**
 * The 5×5 run on the Run contract (runs/run.ts): start (train continuously until paused), pause,
 * step (one iteration), reset, dispose; plus trainN and setWeight. It never ends: squared error on
 * sigmoids cannot diverge at the page's η.
 */
export class TinyRun implements Run<TinyState> {
  readonly train: Samples;
  readonly heldOut: Samples;
  readonly hidden: number;
  readonly lr: number;
  readonly seed: number;
  network!: Network;
  private trainer!: Trainer;
  private status: TinyState["status"] = "idle";
  private history: TinyPoint[] = [];
  private version = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private readonly emitter = new Emitter<TinyState>(() => this.state);

  /** glyphs: ten Float64Array(25); heldOut: variants with labels. throws RangeError for a bad size or η. */
  constructor(glyphs: ArrayLike<number>[], heldOut: {inputs: ArrayLike<number>[]; labels: number[]}, {hidden = TINY_DEFAULTS.hidden, lr = TINY_DEFAULTS.lr, seed = TINY_DEFAULTS.seed} = {}) {
    this.train = arraySamples(
      glyphs,
      glyphs.map((_, i) => i),
    );
    this.heldOut = arraySamples(heldOut.inputs, heldOut.labels);
    this.hidden = hidden;
    this.lr = lr;
    this.seed = seed;
    this.reset();
  }

  get training(): boolean {
    return this.status === "training";
  }

  /** A TinyRun never ends. */
  get ended(): boolean {
    return false;
  }

  /** New random weights from the seed; history cleared; status idle. */
  reset(): void {
    if (this.disposed) return;
    this.stop();
    this.status = "idle";
    this.network = new Network(tinyConfig(this.hidden, this.seed));
    this.trainer = new Trainer(this.network, this.train, {learningRate: this.lr, batchSize: 1, optimizer: "sgd", shuffle: false});
    this.history = [];
    this.record();
    this.emitter.emit();
  }

  /** Trains n iterations at once, recording every one; status paused unless it is training. */
  trainN(n: number): void {
    if (this.disposed) return;
    for (let k = 0; k < n; k++) {
      this.trainer.run(1);
      this.record();
    }
    if (this.status === "idle") this.status = "paused";
    this.emitter.emit();
  }

  /** One iteration (one glyph forward and backward), then paused. */
  step(): void {
    this.stop();
    this.trainN(1);
    this.status = "paused";
    this.emitter.emit();
  }

  /** Trains `perTick` iterations every 30 ms until paused. */
  start(perTick = 5): void {
    if (this.disposed || this.status === "training") return;
    this.status = "training";
    const tick = () => {
      if (this.status !== "training") return;
      this.trainN(perTick);
      this.timer = setTimeout(tick, 30);
    };
    tick();
  }

  /** The old name of start(). */
  play(perTick = 5): void {
    this.start(perTick);
  }

  pause(): void {
    this.stop();
    this.emitter.emit();
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.status === "training") this.status = "paused";
  }

  /** Sets one weight by hand: layer l (1-based), to unit j from unit i. throws RangeError for an index outside the layer. */
  setWeight(l: number, j: number, i: number, value: number): void {
    const layer = this.network.layers[l - 1];
    if (!layer || j < 0 || j >= layer.fanOut || i < 0 || i >= layer.fanIn) throw new RangeError(`invalid weight: layer ${l}, unit ${j}, input ${i}`);
    if (!Number.isFinite(value)) throw new RangeError(`invalid weight value: ${value}`);
    layer.weights[j * layer.fanIn + i] = value;
    this.record(true);
    this.emitter.emit();
  }

  dispose(): void {
    this.stop();
    this.disposed = true;
    this.emitter.clear();
  }

  subscribe(listener: (s: TinyState) => void): () => void {
    return this.emitter.subscribe(listener);
  }

  get state(): TinyState {
    const last = this.history[this.history.length - 1];
    return {
      status: this.status,
      message: "",
      end: null,
      iterations: this.trainer.steps,
      loss: last.loss,
      trainAccuracy: last.trainAccuracy,
      heldOutAccuracy: last.heldOutAccuracy,
      fingerprint: fingerprint(this.network.layers),
      history: this.history.slice(),
      version: this.version,
    };
  }

  private record(replace = false): void {
    const train = evaluate(this.network, this.train),
      held = evaluate(this.network, this.heldOut);
    const point = {iteration: this.trainer.steps, loss: train.loss, trainAccuracy: train.accuracy, heldOutAccuracy: held.accuracy};
    if (replace && this.history.at(-1)?.iteration === point.iteration) this.history[this.history.length - 1] = point;
    else this.history.push(point);
    decimateHistory(this.history, MAX_TINY_HISTORY);
    this.version++;
  }
}
