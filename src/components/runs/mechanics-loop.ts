/**
 * The "Mechanics of learning" loop on the Run contract (runs/run.ts): the page's tiny next-word
 * network trained on its one sentence by plain SGD, one update per step (or one every
 * `intervalMs` while training), with the move each weight is about to make.
 *
 *   const loop = new MechanicsLoop(seed);
 *   loop.subscribe((s) => …);  loop.step();  loop.start();  loop.pause();  loop.reset();  loop.dispose();
 */
import {arraySamples, fingerprint, Network, Trainer, type Layer} from "../nn/index.js";
import {INPUT, mechanicsConfig, TARGET} from "../experiments/mechanics.js";
import {Emitter, type Run, type RunStateBase} from "./run.js";

export interface LoopState extends RunStateBase {
  status: "idle" | "training" | "paused";
  steps: number;
  loss: number;
  /** p(the right word) now. */
  target: number;
  fingerprint: string;
  /** The weights now (copies), layer by layer. */
  weights: Float64Array[];
  /** The weights before the last step (equal to `weights` before any step). */
  previous: Float64Array[];
  /** Each weight's next move, −η ∂L/∂w, layer by layer. */
  moves: Float64Array[];
}

/** The loop's learning rate: 15 steps raise p(rain) by more than 0.2 (tests/unit/mechanics.test.ts). */
export const LOOP_LR = 0.5;

export class MechanicsLoop implements Run<LoopState> {
  readonly network: Network;
  private trainer: Trainer;
  private status: LoopState["status"] = "idle";
  private previous: Float64Array[];
  private timer: ReturnType<typeof setInterval> | null = null;
  private disposed = false;
  private readonly emitter = new Emitter<LoopState>(() => this.state);

  constructor(
    readonly seed: number,
    private readonly intervalMs = 350,
  ) {
    this.network = new Network(mechanicsConfig(seed));
    this.trainer = this.makeTrainer();
    this.previous = this.copy();
  }

  get training(): boolean {
    return this.status === "training";
  }

  /** The loop never ends. */
  get ended(): boolean {
    return false;
  }

  get state(): LoopState {
    const trace = this.network.traceStep(INPUT, TARGET);
    return {
      status: this.status,
      message: "",
      end: null,
      steps: this.trainer.steps,
      loss: trace.loss,
      target: trace.a[trace.a.length - 1][TARGET],
      fingerprint: fingerprint(this.network.layers),
      weights: this.copy(),
      previous: this.previous.map((w) => w.slice()),
      moves: trace.gradients.map((g) => g.weights.map((d) => -LOOP_LR * d)),
    };
  }

  subscribe(listener: (state: LoopState) => void): () => void {
    return this.emitter.subscribe(listener);
  }

  step(): void {
    if (this.disposed) return;
    this.stop();
    this.update();
    this.status = "paused";
    this.emitter.emit();
  }

  start(): void {
    if (this.disposed || this.status === "training") return;
    this.status = "training";
    this.update();
    this.emitter.emit();
    this.timer = setInterval(() => {
      this.update();
      this.emitter.emit();
    }, this.intervalMs);
  }

  pause(): void {
    this.stop();
    this.emitter.emit();
  }

  reset(): void {
    if (this.disposed) return;
    this.stop();
    const fresh = new Network(mechanicsConfig(this.seed));
    this.network.layers.forEach((layer: Layer, l) => {
      layer.weights.set(fresh.layers[l].weights);
      layer.biases.set(fresh.layers[l].biases);
    });
    this.trainer = this.makeTrainer();
    this.previous = this.copy();
    this.status = "idle";
    this.emitter.emit();
  }

  dispose(): void {
    this.stop();
    this.disposed = true;
    this.emitter.clear();
  }

  private makeTrainer(): Trainer {
    return new Trainer(this.network, arraySamples([INPUT], [TARGET]), {learningRate: LOOP_LR, batchSize: 1, optimizer: "sgd"});
  }

  private update(): void {
    this.previous = this.copy();
    this.trainer.step();
  }

  private copy(): Float64Array[] {
    return this.network.layers.map((l) => l.weights.slice());
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.status === "training") this.status = "paused";
  }
}
