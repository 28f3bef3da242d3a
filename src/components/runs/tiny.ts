/**
 * The 5×5 network's run: 25 inputs → hidden sigmoid units → 10 sigmoid outputs, squared error
 * against targets 0.99 / 0, plain per-sample SGD cycling through the ten glyphs in order (one
 * iteration = one glyph). An object with an explicit lifecycle (play, pause, train n, reset,
 * dispose) so the page's cells only read its state.
 */
import {arraySamples, evaluate, fingerprint, Network, Trainer, type NetworkConfig, type Samples} from "../nn/index.js";

/**
 * Defaults of the 5×5 page. At η = 2 with 10 hidden units the ten glyphs are all read correctly
 * after 220–480 iterations for seeds 1–5 (370 for seed 1; measured with TinyRun, checked by
 * tests/unit/glyphs.test.ts at 500); η = 1 needs 340–700, η = 0.5 needs 790–1,170.
 */
export const TINY_DEFAULTS = {hidden: 10, lr: 2, seed: 1, trainN: 500};
export const TINY_TARGETS = {on: 0.99, off: 0};

export function tinyConfig(hidden: number, seed: number): NetworkConfig {
  return {layers: [25, hidden, 10], activation: "sigmoid", head: "sigmoid-mse", targets: TINY_TARGETS, init: "xavier-uniform", seed};
}

export interface TinyPoint {
  iteration: number;
  /** Mean squared-error loss over the ten glyphs. */
  loss: number;
  /** Share of the ten glyphs read correctly (0–1). */
  trainAccuracy: number;
  /** Share of the held-out noisy, shifted variants read correctly (0–1). */
  heldOutAccuracy: number;
}

export interface TinyState {
  status: "idle" | "playing" | "paused";
  iterations: number;
  loss: number;
  trainAccuracy: number;
  heldOutAccuracy: number;
  fingerprint: string;
  history: TinyPoint[];
  /** Bumped on every change of the weights, so views know to redraw. */
  version: number;
}

export class TinyRun {
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
  private readonly listeners = new Set<(s: TinyState) => void>();

  /** glyphs: ten Float64Array(25); heldOut: variants with labels. throws RangeError for a bad size or η. */
  constructor(glyphs: ArrayLike<number>[], heldOut: {inputs: ArrayLike<number>[]; labels: number[]}, {hidden = TINY_DEFAULTS.hidden, lr = TINY_DEFAULTS.lr, seed = TINY_DEFAULTS.seed} = {}) {
    this.train = arraySamples(glyphs, glyphs.map((_, i) => i));
    this.heldOut = arraySamples(heldOut.inputs, heldOut.labels);
    this.hidden = hidden;
    this.lr = lr;
    this.seed = seed;
    this.reset();
  }

  /** New random weights from the seed; history cleared. */
  reset(): void {
    this.stop();
    this.network = new Network(tinyConfig(this.hidden, this.seed));
    this.trainer = new Trainer(this.network, this.train, {learningRate: this.lr, batchSize: 1, optimizer: "sgd", shuffle: false});
    this.history = [];
    this.record();
    this.notify();
  }

  /** Trains n iterations at once. */
  trainN(n: number): void {
    this.trainer.run(n);
    this.record();
    this.notify();
  }

  /** Trains `perTick` iterations every 30 ms until paused. */
  play(perTick = 5): void {
    if (this.status === "playing") return;
    this.status = "playing";
    const tick = () => {
      if (this.status !== "playing") return;
      this.trainN(perTick);
      this.timer = setTimeout(tick, 30);
    };
    tick();
  }

  pause(): void {
    this.stop();
    this.notify();
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.status === "playing") this.status = "paused";
  }

  /** Sets one weight by hand: layer l (1-based), to unit j from unit i. throws RangeError for an index outside the layer. */
  setWeight(l: number, j: number, i: number, value: number): void {
    const layer = this.network.layers[l - 1];
    if (!layer || j < 0 || j >= layer.fanOut || i < 0 || i >= layer.fanIn) throw new RangeError(`invalid weight: layer ${l}, unit ${j}, input ${i}`);
    if (!Number.isFinite(value)) throw new RangeError(`invalid weight value: ${value}`);
    layer.weights[j * layer.fanIn + i] = value;
    this.record(true);
    this.notify();
  }

  dispose(): void {
    this.stop();
    this.listeners.clear();
  }

  subscribe(listener: (s: TinyState) => void): () => void {
    this.listeners.add(listener);
    listener(this.state);
    return () => this.listeners.delete(listener);
  }

  get state(): TinyState {
    const last = this.history[this.history.length - 1];
    return {status: this.status, iterations: this.trainer.steps, loss: last.loss, trainAccuracy: last.trainAccuracy, heldOutAccuracy: last.heldOutAccuracy, fingerprint: fingerprint(this.network.layers), history: this.history.slice(), version: this.version};
  }

  private record(replace = false): void {
    const train = evaluate(this.network, this.train), held = evaluate(this.network, this.heldOut);
    const point = {iteration: this.trainer.steps, loss: train.loss, trainAccuracy: train.accuracy, heldOutAccuracy: held.accuracy};
    if (replace && this.history.at(-1)?.iteration === point.iteration) this.history[this.history.length - 1] = point;
    else this.history.push(point);
    if (this.history.length > 2000) this.history = this.history.filter((_, k) => k % 2 === 0 || k === this.history.length - 1);
    this.version++;
  }

  private notify(): void {
    const state = this.state;
    for (const listener of this.listeners) listener(state);
  }
}
