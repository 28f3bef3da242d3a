/**
 * A training run for a page: an object with an explicit lifecycle (start, pause, step, reset,
 * dispose) that trains in short time slices on the main thread, so the page keeps answering
 * clicks while it learns. It evaluates the test samples on a fixed schedule (every `evalEvery`
 * training samples), so the curves of two runs with the same config line up point for point.
 *
 * A page cell creates one, hands its state to other cells through `subscribe`, and disposes
 * it on `invalidation`, so no training loop outlives the cell that started it.
 */
import {ConvNetwork, normaliseConvConfig, evaluate, fingerprint, Network, Trainer, type ConvNetworkConfig, type NetworkConfig, type Samples, type TrainingOptions} from "../nn/index.js";
import {Emitter, type Diagnosis, type Run, type RunEnd, type RunStateBase, type RunStatus} from "./run.js";

export type {RunStatus} from "./run.js";

export interface RunPoint {
  /** Training samples seen when the point was taken. */
  samples: number;
  /** samples / training-set size. */
  epoch: number;
  /** Mean training loss over the samples since the previous point (NaN at 0). */
  trainLoss: number;
  /** Mean loss and accuracy (0–1) on the test samples. */
  testLoss: number;
  testAccuracy: number;
}

/**
 * A LiveRun's state. status "diverged": the loss or a weight became non-finite; "stopped": the
 * run's `diagnose` check found it cannot learn any more (e.g. a whole hidden layer is dead);
 * "crashed" (WorkerRun only): its worker died. All three end training until reset(); `end` says why.
 */
export interface RunState extends RunStateBase {
  steps: number;
  samplesSeen: number;
  /** Epochs as a fraction: samplesSeen / training-set size. */
  epoch: number;
  /** Latest evaluated figures (NaN before the first). */
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
  /** Engine throughput: samples per second of time spent in training steps only. */
  samplesPerSecond: number;
  parameters: number;
  fingerprint: string;
  history: RunPoint[];
}

/** The networks a run trains: the fully-connected `Network` (the default) or a `ConvNetwork`. */
export type RunNetwork = Network | ConvNetwork;
/** The config a run of network type N is created from. */
export type ConfigOf<N extends RunNetwork> = N extends ConvNetwork ? ConvNetworkConfig : NetworkConfig;

/** A convolutional network's config (it has an input shape), as opposed to a fully-connected one (layer sizes only). */
export function isConvConfig(config: NetworkConfig | ConvNetworkConfig): config is ConvNetworkConfig {
  return typeof config === "object" && config !== null && "input" in config;
}

/** A fresh network from a config: a ConvNetwork for a conv config, else a Network. throws RangeError (the module's) on a bad config. */
export function buildNetwork<N extends RunNetwork>(config: ConfigOf<N>): N {
  return (isConvConfig(config) ? new ConvNetwork(config) : new Network(config)) as N;
}

/**
 * The architecture a config or a network's config describes, as text to compare and to name in
 * messages: "784→16→16→10", or for a conv net its input shape and normalised layers as JSON.
 * throws RangeError (the module's) on a bad conv config.
 */
export function architectureOf(config: NetworkConfig | ConvNetworkConfig): string {
  if (!isConvConfig(config)) return config.layers.join("→");
  const normal = normaliseConvConfig(config).config;
  return `${normal.input.join("×")} ${JSON.stringify(normal.layers)}`;
}

export interface LiveRunOptions<N extends RunNetwork = Network> {
  /** Evaluate the test samples every this many training samples (default 500). */
  evalEvery?: number;
  /** Longest slice of work between two yields to the page, in ms (default 12). */
  sliceMs?: number;
  /** Target training speed in samples per second (default Infinity: as fast as the engine goes). */
  speed?: number;
  /** Each start trains at most this many epochs, then pauses by itself (default Infinity). */
  maxEpochs?: number;
  /** Timer used to yield; tests may pass their own. */
  schedule?: (callback: () => void) => unknown;
  /** Pause between notifications while training, in ms (default 100). */
  notifyEveryMs?: number;
  /**
   * Most points the history keeps (default 1,000, at least 16). When it is full, every second
   * point of its older half is dropped, so recent points keep full resolution, old ones are
   * thinned, the curve keeps its shape, and a run of any length costs the same to draw.
   */
  maxHistory?: number;
  /**
   * A check run after every evaluation: a diagnosis stops the run (status "stopped", its
   * message shown, `end` = {kind: "stopped", diagnosis}) until reset(); e.g. runs/diagnoses.ts
   * deadLayer. null: all is well. Default: none.
   */
  diagnose?: (network: N) => Diagnosis | null;
}

/**
 * Thins `history` in place once it holds more than `max` points: drops every second point of the
 * older half (keeping the very first point). Returns the same array.
 */
export function decimateHistory<T>(history: T[], max: number): T[] {
  if (history.length <= max) return history;
  const half = Math.floor(history.length / 2);
  let write = 1;
  for (let read = 1; read < half; read++) if (read % 2 === 0) history[write++] = history[read];
  for (let read = half; read < history.length; read++) history[write++] = history[read];
  history.length = write;
  return history;
}

const now = () => performance.now();

/** A target speed in samples per second (Infinity: as fast as it goes). throws RangeError unless > 0. */
export function checkSpeed(speed: number): number {
  if (!(speed > 0)) throw new RangeError(`invalid speed: ${speed} (expected samples per second > 0)`);
  return speed;
}

/** Epochs one start trains before pausing. throws RangeError unless > 0. */
export function checkMaxEpochs(epochs: number): number {
  if (!(epochs > 0)) throw new RangeError(`invalid maxEpochs: ${epochs} (expected > 0)`);
  return epochs;
}

/**
 * A run of a fully-connected Network (the default) or, created from a ConvNetworkConfig as
 * `new LiveRun<ConvNetwork>(config, …)`, of a ConvNetwork: the same Trainer, sample order and
 * evaluation schedule either way.
 */
export class LiveRun<N extends RunNetwork = Network> implements Run<RunState> {
  readonly networkConfig: ConfigOf<N>;
  readonly trainingOptions: TrainingOptions;
  readonly train: Samples;
  readonly test: Samples;
  private readonly options: Required<Omit<LiveRunOptions<N>, "schedule" | "diagnose">> & {schedule: (callback: () => void) => unknown; diagnose?: (network: N) => Diagnosis | null};
  network!: N;
  trainer!: Trainer<N>;
  private status: RunStatus = "idle";
  private message = "";
  private end: RunEnd | null = null;
  /** The test figures of the weights in use, when newer than the history's last point (see evaluateNow). */
  private current: {samples: number; testLoss: number; testAccuracy: number} | null = null;
  private history: RunPoint[] = [];
  private nextEval = 0;
  private computeMs = 0;
  private computeSamples = 0;
  private running = false;
  /** Bumped by every start; a queued tick of an older chain sees the difference and stops. */
  private chain = 0;
  private disposed = false;
  private clockStart = 0;
  private clockSamples = 0;
  /** samplesSeen at the last start(), and where that start pauses by itself (maxEpochs later). */
  private startedAt = 0;
  private stopAt = Infinity;
  private readonly emitter: Emitter<RunState>;

  /** throws RangeError (from the network module) on a bad config or options. */
  constructor(networkConfig: ConfigOf<N>, trainingOptions: TrainingOptions, train: Samples, test: Samples, options: LiveRunOptions<N> = {}) {
    this.networkConfig = networkConfig;
    this.trainingOptions = trainingOptions;
    this.train = train;
    this.test = test;
    const {evalEvery = 500, sliceMs = 12, speed = Infinity, maxEpochs = Infinity, notifyEveryMs = 100, maxHistory = 1000} = options;
    if (!(Number.isInteger(maxHistory) && maxHistory >= 16)) throw new RangeError(`invalid maxHistory: ${maxHistory} (expected an integer ≥ 16)`);
    if (!(Number.isInteger(evalEvery) && evalEvery >= 1)) throw new RangeError(`invalid evalEvery: ${evalEvery}`);
    checkSpeed(speed);
    this.emitter = new Emitter(() => this.state, notifyEveryMs);
    this.options = {evalEvery, sliceMs, speed, maxEpochs, notifyEveryMs, maxHistory, schedule: options.schedule ?? ((callback) => setTimeout(callback, 0)), diagnose: options.diagnose};
    this.reset();
  }

  /** Throws away the weights and history and starts again from the seed: status idle. */
  reset(): void {
    this.running = false;
    this.network = buildNetwork<N>(this.networkConfig);
    this.trainer = new Trainer<N>(this.network, this.train, this.trainingOptions);
    this.status = "idle";
    this.message = "";
    this.end = null;
    this.current = null;
    this.history = [];
    this.nextEval = 0;
    this.computeMs = 0;
    this.computeSamples = 0;
    this.evaluateIfDue();
    this.notify(true);
  }

  /**
   * Continues from a network trained elsewhere (a loaded file): its weights replace the current
   * ones, the counters start at `steps` and `samplesSeen`, the history restarts with one point
   * evaluated now, status paused. The optimiser's state (momentum or Adam buffers) and the
   * position in the epoch's sample order are not in the file: they start fresh, so training on
   * from here is not bit for bit the run that was saved.
   * throws RangeError when the network's layer sizes differ from this run's config.
   */
  adopt(network: N, {steps = 0, samplesSeen = 0}: {steps?: number; samplesSeen?: number} = {}): void {
    const want = architectureOf(this.networkConfig),
      got = architectureOf(network.config);
    if (want !== got) throw new RangeError(`invalid network: layers ${got}, this run has ${want}`);
    this.running = false;
    this.network = network;
    this.trainer = new Trainer<N>(this.network, this.train, this.trainingOptions);
    this.trainer.steps = steps;
    this.trainer.samplesSeen = samplesSeen;
    this.status = steps ? "paused" : "idle";
    this.message = "";
    this.end = null;
    this.current = null;
    this.history = [];
    this.computeMs = 0;
    this.computeSamples = 0;
    this.nextEval = samplesSeen;
    this.evaluateIfDue();
    this.notify(true);
  }

  /** Starts or resumes training in time slices. No effect once diverged or disposed. */
  start(): void {
    if (this.disposed || this.ended || this.running) return;
    this.startedAt = this.trainer.samplesSeen;
    this.stopAt = this.startedAt + this.options.maxEpochs * this.train.count;
    this.running = true;
    this.status = "training";
    this.message = "";
    this.clockStart = now();
    this.clockSamples = this.trainer.samplesSeen;
    this.notify(true);
    const chain = ++this.chain;
    this.options.schedule(() => this.tick(chain));
  }

  /** Stops after the current slice; status paused. */
  /** Stops after the current slice; status paused. The figures are evaluated on the weights it stops with. */
  pause(message = ""): void {
    if (this.disposed || this.ended) return;
    this.running = false;
    this.status = this.trainer.steps ? "paused" : "idle";
    this.message = message;
    this.evaluateNow();
    this.notify(true);
  }

  /** One minibatch update, then paused, with the figures evaluated on the new weights. */
  step(): void {
    if (this.disposed || this.ended) return;
    this.running = false;
    this.trainStep();
    if (!this.ended) {
      this.status = "paused";
      this.evaluateNow();
    }
    this.notify(true);
  }

  /** True while training in time slices (status "training"); cheap, unlike `state`. */
  get training(): boolean {
    return this.running && !this.disposed;
  }

  /** Diverged or stopped by the diagnosis: nothing trains until reset(). */
  get ended(): boolean {
    return this.end !== null;
  }

  /** Stops for good and drops the listeners; later calls do nothing. */
  dispose(): void {
    this.running = false;
    this.disposed = true;
    this.emitter.clear();
  }

  /** Changes the target speed (samples per second, Infinity for full speed) without touching the run. */
  setSpeed(speed: number): void {
    checkSpeed(speed);
    this.options.speed = speed;
    this.clockStart = now();
    this.clockSamples = this.trainer.samplesSeen;
  }

  /** Changes how many epochs one start trains before pausing by itself (applies to the current start too). */
  setMaxEpochs(epochs: number): void {
    checkMaxEpochs(epochs);
    this.options.maxEpochs = epochs;
    this.stopAt = this.startedAt + epochs * this.train.count;
  }

  /** Calls `listener` now and after every change (throttled while training). Returns the unsubscriber. */
  subscribe(listener: (state: RunState) => void): () => void {
    return this.emitter.subscribe(listener);
  }

  get state(): RunState {
    const last = this.history[this.history.length - 1];
    const fresh = this.current && this.current.samples === this.trainer.samplesSeen && (!last || last.samples < this.current.samples) ? this.current : null;
    return {
      status: this.status,
      message: this.message,
      end: this.end,
      steps: this.trainer.steps,
      samplesSeen: this.trainer.samplesSeen,
      epoch: this.trainer.samplesSeen / this.train.count,
      trainLoss: last ? last.trainLoss : NaN,
      testLoss: fresh ? fresh.testLoss : last ? last.testLoss : NaN,
      testAccuracy: fresh ? fresh.testAccuracy : last ? last.testAccuracy : NaN,
      samplesPerSecond: this.computeMs > 0 ? (this.computeSamples / this.computeMs) * 1000 : NaN,
      parameters: this.network.parameterCount,
      fingerprint: fingerprint(this.network.layers),
      history: this.history.slice(),
    };
  }

  private trainStep(): void {
    const t = now();
    const before = this.trainer.samplesSeen;
    this.trainer.step();
    this.computeMs += now() - t;
    this.computeSamples += this.trainer.samplesSeen - before;
    if (this.trainer.diverged) {
      this.running = false;
      this.status = "diverged";
      this.message = `Diverged: ${this.trainer.diverged.reason}. Lower the learning rate and reset.`;
      this.end = {kind: "diverged", step: this.trainer.diverged.step, reason: this.trainer.diverged.reason};
      return;
    }
    this.evaluateIfDue();
  }

  /**
   * A figure on screen belongs to the weights on screen: when the run stops between two scheduled
   * evaluations, the test set is evaluated on the weights it stopped with. That figure is shown
   * (state.testLoss, state.testAccuracy) but kept out of the history, whose points stay on the
   * schedule, so two runs of one config draw the same curves however they were paused or stepped.
   */
  private evaluateNow(): void {
    const samples = this.trainer.samplesSeen;
    const last = this.history[this.history.length - 1];
    if ((last && last.samples === samples) || this.current?.samples === samples) return;
    const {loss, accuracy} = evaluate(this.network, this.test);
    this.current = {samples, testLoss: loss, testAccuracy: accuracy};
  }

  private evaluateIfDue(): void {
    if (this.trainer.samplesSeen < this.nextEval) return;
    const {loss, accuracy} = evaluate(this.network, this.test);
    const samples = this.trainer.samplesSeen;
    this.history.push({samples, epoch: samples / this.train.count, trainLoss: this.trainer.takeLoss(), testLoss: loss, testAccuracy: accuracy});
    decimateHistory(this.history, this.options.maxHistory);
    this.nextEval = (Math.floor(samples / this.options.evalEvery) + 1) * this.options.evalEvery;
    const diagnosis = this.options.diagnose?.(this.network) ?? null;
    if (diagnosis) {
      this.running = false;
      this.status = "stopped";
      this.message = diagnosis.message;
      this.end = {kind: "stopped", diagnosis};
    }
  }

  private tick(chain: number): void {
    if (!this.running || this.disposed || chain !== this.chain) return;
    const {sliceMs, speed, maxEpochs} = this.options;
    const end = now() + sliceMs;
    // Samples allowed so far at the target speed since start() (Infinity when unthrottled).
    const allowed = speed === Infinity ? Infinity : this.clockSamples + ((now() - this.clockStart) / 1000) * speed;
    while (this.running && now() < end && this.trainer.samplesSeen < allowed) {
      this.trainStep();
      if (this.trainer.samplesSeen >= this.stopAt) {
        this.pause(`Paused by itself after ${maxEpochs} epoch${maxEpochs === 1 ? "" : "s"}; press Train to go on.`);
        return;
      }
    }
    // Throttled while training; a run that just stopped (diverged) always reports its final state.
    this.notify(!this.running);
    if (this.running) this.options.schedule(() => this.tick(chain));
  }

  private notify(force: boolean): void {
    if (!this.disposed) this.emitter.emit(force);
  }
}
