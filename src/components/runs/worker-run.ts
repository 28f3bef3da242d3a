/**
 * A LiveRun that trains in a Web Worker, so the page's main thread is left to draw. The worker
 * runs the very same `LiveRun` (and so the same Trainer, sample order and evaluation schedule) as
 * the main-thread version and the CLI: a run's fingerprint after N updates is the same everywhere.
 *
 * Page side:
 *   const host = new TrainingWorker(() => new Worker(import.meta.resolve("./components/runs/live-run-worker.js"), {type: "module"}), {train, test});
 *   const run = host.createRun(networkConfig, trainingOptions, {evalEvery: 1000, maxEpochs: 3, diagnose: "dead-layer"});
 *   run.subscribe((state) => …); run.start(); run.pause(); await run.step(); run.reset(); run.dispose();
 *   run.network   // a mirror of the worker's network, updated with every state (for views, Save)
 *   const conv = host.createConvRun(convConfig, trainingOptions, {evalEvery: 2000});   // a ConvNetwork instead (nn/conv.ts)
 *   conv.network  // a ConvNetwork mirror
 * Worker side (live-run-worker.ts): serveSession(liveRunHost).
 *
 * The worker holds one run at a time: creating a run replaces the previous one, and messages of a
 * replaced run are ignored. Every state message carries all weights and biases (one transferred
 * Float64Array), so `run.network` and `run.state` always describe the same update.
 */
import {
  ConvNetwork,
  convFromJSON,
  deadUnits,
  evaluate,
  fingerprint,
  fromJSON,
  lrFind,
  Network,
  pixelSamples,
  toJSON,
  type ConvNetworkConfig,
  type Layer,
  type LrFindOptions,
  type LrFindResult,
  type NetworkConfig,
  type TrainingOptions,
} from "../nn/index.js";
import {architectureOf, buildNetwork, checkMaxEpochs, checkSpeed, isConvConfig, LiveRun, type ConfigOf, type LiveRunOptions, type RunNetwork, type RunState} from "./live-run.js";
import {DIAGNOSES, type DiagnosisName} from "./diagnoses.js";
import {Emitter, type Run} from "./run.js";
import {WorkerSession} from "./worker-pool.js";
import {CheckpointLog} from "./checkpoints.js";

/** The data a training worker receives once: 8-bit images, one per row, and their labels. */
export interface ImageData8 {
  pixels: Uint8Array;
  labels: Uint8Array;
  inputSize: number;
}
export interface TrainingWorkerInit {
  train: ImageData8;
  test: ImageData8;
}

/** LiveRun options that cross to the worker; the diagnosis is named, not passed as a function. */
export interface WorkerRunOptions extends Pick<LiveRunOptions, "evalEvery" | "sliceMs" | "speed" | "maxEpochs" | "notifyEveryMs" | "maxHistory"> {
  /** A diagnosis by name (runs/diagnoses.ts), run on the test set: "dead-layer" stops when every unit of a hidden layer is 0 on every test digit (fully-connected runs only). */
  diagnose?: DiagnosisName | null;
  /**
   * With every state, also send the test set's confusion matrix, predictions and dead units
   * (computed in the worker, so the page's main thread need not). Default false.
   */
  details?: boolean;
}

/** Test-set details sent with a state when `details` is on (see WorkerRunOptions). */
export interface RunDetails {
  /** Uint32Array of classes × classes: row = true class, column = guess. */
  confusion: Uint32Array;
  /** The guess for every test sample. */
  predictions: Uint8Array;
  /** Per hidden layer, 1 = dead (0 on every test sample); empty for a conv run. */
  dead: Uint8Array[];
  deadTotal: number;
  hiddenUnits: number;
}

type ToWorker =
  | {type: "create"; id: number; network: NetworkConfig | ConvNetworkConfig; training: TrainingOptions; options: WorkerRunOptions}
  | {type: "start" | "pause" | "reset" | "dispose"; id: number}
  | {type: "step"; id: number; ticket: number}
  | {type: "speed" | "epochs"; id: number; value: number}
  | {type: "adopt"; id: number; text: string; steps: number; samplesSeen: number}
  | {type: "lr-find"; ticket: number; network: NetworkConfig; options: LrFindOptions};
type FromWorker =
  | {type: "state"; id: number; state: RunState; params: Float64Array; details: RunDetails | null}
  | {type: "stepped"; id: number; ticket: number; indices: number[]; loss: number}
  | {type: "lr-found"; ticket: number; result: LrFindResult | null; error: string | null}
  | {type: "error"; id?: number; message: string};

/** What packParameters reads: a Network or a ConvNetwork. */
type Parameters = {readonly parameterCount: number; readonly layers: readonly Layer[]};

/** Every weight and bias of a network, layer by layer (weights then biases), in one array. */
export function packParameters(network: Parameters): Float64Array {
  const out = new Float64Array(network.parameterCount);
  let o = 0;
  for (const {weights, biases} of network.layers) {
    out.set(weights, o);
    out.set(biases, (o += weights.length));
    o += biases.length;
  }
  return out;
}

/** Writes `params` (from packParameters of a network of the same sizes) into `network`. throws RangeError on a size mismatch. */
export function unpackParameters(network: Parameters, params: Float64Array): void {
  if (params.length !== network.parameterCount) throw new RangeError(`invalid parameters: ${params.length} values, the network has ${network.parameterCount}`);
  let o = 0;
  for (const {weights, biases} of network.layers) {
    weights.set(params.subarray(o, (o += weights.length)));
    biases.set(params.subarray(o, (o += biases.length)));
  }
}

/**
 * Worker side: the handler for serveSession. Holds the data and one LiveRun, answers commands,
 * and posts the run's state with its parameters after every notification.
 */
export function liveRunHost(init: TrainingWorkerInit, post: (message: FromWorker, transfer?: Transferable[]) => void): (message: unknown) => void {
  const train = pixelSamples(init.train.pixels, init.train.labels, init.train.inputSize);
  const test = pixelSamples(init.test.pixels, init.test.labels, init.test.inputSize);
  // Slices yield through setTimeout, which browsers clamp to 4 ms once nested: the worker trains
  // about three quarters of the time and leaves the rest of its core to the page's rendering
  // threads (on 2 cores, a worker that never yields costs the page a quarter of its frames).
  const schedule = (callback: () => void) => void setTimeout(callback, 0);
  let run: LiveRun<RunNetwork> | null = null;
  let current = 0;
  return (raw) => {
    const m = raw as ToWorker;
    if (m.type === "create") {
      run?.dispose();
      current = m.id;
      const id = m.id;
      const {diagnose, details: withDetails, ...options} = m.options;
      // A conv config builds a ConvNetwork (the dead-layer diagnosis is for fully-connected networks: createConvRun refuses it).
      const dense = !isConvConfig(m.network);
      const created = new LiveRun<RunNetwork>(m.network, m.training, train, test, {
        ...options,
        schedule,
        diagnose: diagnose && dense ? (network) => DIAGNOSES[diagnose](network as Network, test) : undefined,
      });
      run = created;
      created.subscribe((state) => {
        const params = packParameters(created.network);
        let details: RunDetails | null = null;
        if (withDetails) {
          const {confusion, predictions} = evaluate(created.network, test);
          const {dead, total, units} = created.network instanceof Network ? deadUnits(created.network, test) : {dead: [], total: 0, units: 0};
          details = {confusion: Uint32Array.from(confusion), predictions: Uint8Array.from(predictions), dead, deadTotal: total, hiddenUnits: units};
        }
        post({type: "state", id, state, params, details}, [params.buffer]);
      });
      return;
    }
    if (m.type === "lr-find") {
      // The range test on fresh weights from the config's seed, on the worker's training set
      // (between the current run's slices: it is short, a few hundred updates).
      try {
        post({type: "lr-found", ticket: m.ticket, result: lrFind(new Network(m.network), train, m.options), error: null});
      } catch (error) {
        post({type: "lr-found", ticket: m.ticket, result: null, error: (error as Error).message});
      }
      return;
    }
    if (!run || m.id !== current) return;
    switch (m.type) {
      case "start":
        return run.start();
      case "pause":
        return run.pause();
      case "reset":
        return run.reset();
      case "dispose":
        run.dispose();
        run = null;
        return;
      case "speed":
        return run.setSpeed(m.value);
      case "epochs":
        return run.setMaxEpochs(m.value);
      case "adopt":
        return run.adopt(isConvConfig(run.networkConfig) ? convFromJSON(m.text) : fromJSON(m.text), {steps: m.steps, samplesSeen: m.samplesSeen});
      case "step": {
        // The minibatch the step will use: the next B samples of this epoch's order.
        const t = run.trainer;
        const start = Math.round(t.epochProgress * train.count);
        const indices = Array.from(t.epochOrder.subarray(start, Math.min(train.count, start + run.trainingOptions.batchSize)));
        run.step();
        return post({type: "stepped", id: m.id, ticket: m.ticket, indices, loss: t.lastLoss});
      }
    }
  };
}

/** What a step did, for the page's step view. */
export interface StepInfo {
  /** Training-sample indices of the minibatch, in the order used. */
  indices: number[];
  /** Its mean loss before the update (NaN when the run diverged). */
  loss: number;
}

/**
 * Page side: one worker, given the data once, that trains the page's current run. Create runs
 * with createRun (each replaces the previous one); dispose() ends the worker.
 */
export class TrainingWorker {
  private session: WorkerSession;
  private run: WorkerRun<RunNetwork> | null = null;
  private nextId = 1;
  private readonly make: () => Worker;
  private readonly init: TrainingWorkerInit;
  /** Range tests waiting for the worker's answer, by ticket. */
  private readonly finds = new Map<number, {resolve: (result: LrFindResult) => void; reject: (error: Error) => void}>();
  private nextTicket = 1;

  constructor(make: () => Worker, init: TrainingWorkerInit) {
    this.make = make;
    this.init = init;
    this.session = this.open();
  }

  private open(): WorkerSession {
    return new WorkerSession(this.make, this.init, (message) => this.receive(message as FromWorker), {
      onCrash: (message) => {
        this.run?.crashed(message);
        this.rejectFinds(`the training worker crashed (${message})`);
      },
    });
  }

  private rejectFinds(message: string): void {
    for (const {reject} of this.finds.values()) reject(new Error(message));
    this.finds.clear();
  }

  /**
   * The learning-rate range test (nn/lr-find.ts) in the worker, on its training set, from fresh
   * weights of `networkConfig` (its seed). Resolves with the points and the suggestion; rejects
   * with the module's message on bad options or when the worker crashes or is disposed.
   */
  lrFind(networkConfig: NetworkConfig, options: LrFindOptions): Promise<LrFindResult> {
    this.restart();
    const ticket = this.nextTicket++;
    return new Promise((resolve, reject) => {
      this.finds.set(ticket, {resolve, reject});
      this.send({type: "lr-find", ticket, network: networkConfig, options});
    });
  }

  /** throws RangeError (from the network module) on a bad config, before anything is sent. */
  createRun(networkConfig: NetworkConfig, trainingOptions: TrainingOptions, options: WorkerRunOptions = {}): WorkerRun {
    new Network(networkConfig); // a bad config throws here and leaves the current run alone
    this.run?.dispose();
    const run = new WorkerRun<Network>(this, this.nextId++, networkConfig, trainingOptions, options);
    this.run = run;
    return run;
  }

  /**
   * A run of a convolutional network (nn/conv.ts): the worker trains a ConvNetwork with the same
   * LiveRun and Trainer; `run.network` is a ConvNetwork mirror. Test-set details carry the
   * confusion matrix and predictions (no dead units). throws RangeError on a bad config, or when
   * asked for a diagnosis (the dead-layer check is for fully-connected networks).
   */
  createConvRun(networkConfig: ConvNetworkConfig, trainingOptions: TrainingOptions, options: WorkerRunOptions = {}): WorkerRun<ConvNetwork> {
    if (options.diagnose) throw new RangeError(`invalid diagnose: ${options.diagnose} (the dead-layer diagnosis is for fully-connected networks)`);
    new ConvNetwork(networkConfig); // a bad config throws here and leaves the current run alone
    this.run?.dispose();
    const run = new WorkerRun<ConvNetwork>(this, this.nextId++, networkConfig, trainingOptions, options);
    this.run = run;
    return run;
  }

  /** @internal */
  send(message: ToWorker, transfer: Transferable[] = []): void {
    this.session.post(message, transfer);
  }

  /** @internal A crashed worker is started again (with the data) for a run that resets. */
  restart(): void {
    if (!this.session.alive) this.session = this.open();
  }

  private receive(message: FromWorker): void {
    if (message.type === "lr-found") {
      const find = this.finds.get(message.ticket);
      this.finds.delete(message.ticket);
      if (find && message.result) find.resolve(message.result);
      else if (find) find.reject(new Error(message.error ?? "the range test failed"));
      return;
    }
    if (message.type === "error") return this.run?.failed(message.message);
    if (this.run && message.id === this.run.id) this.run.receive(message);
  }

  dispose(): void {
    this.run?.dispose();
    this.run = null;
    this.rejectFinds("the page closed the training worker");
    this.session.dispose();
  }
}

/**
 * A run trained by a TrainingWorker, with LiveRun's interface: start, pause, step (here async,
 * resolving with the minibatch used), reset, adopt, setSpeed, setMaxEpochs, subscribe, dispose,
 * `state` (the latest the worker sent) and `network` (a mirror with the worker's weights).
 */
export class WorkerRun<N extends RunNetwork = Network> implements Run<RunState> {
  readonly networkConfig: ConfigOf<N>;
  readonly trainingOptions: TrainingOptions;
  /** A mirror of the worker's network (a ConvNetwork for a conv run): its weights are those of `state`. */
  readonly network: N;
  state: RunState;
  /** The test-set details of `state` (when the run was created with `details`), else null. */
  details: RunDetails | null = null;
  /** Copies of the weights every CHECKPOINT_EVERY updates, thinned logarithmically to at most MAX_CHECKPOINTS (runs/checkpoints.ts), for time travel. */
  readonly checkpoints = new CheckpointLog();
  private readonly emitter = new Emitter<RunState>(() => this.state);
  private readonly tickets = new Map<number, (info: StepInfo | null) => void>();
  private nextTicket = 1;
  private disposed = false;

  /** @internal Use TrainingWorker.createRun. */
  constructor(
    private readonly host: TrainingWorker,
    readonly id: number,
    networkConfig: ConfigOf<N>,
    trainingOptions: TrainingOptions,
    private readonly options: WorkerRunOptions,
  ) {
    this.networkConfig = networkConfig;
    this.trainingOptions = trainingOptions;
    this.network = buildNetwork<N>(networkConfig); // validates the config here, with the module's messages
    this.state = {
      status: "idle",
      message: "",
      end: null,
      steps: 0,
      samplesSeen: 0,
      epoch: 0,
      trainLoss: NaN,
      testLoss: NaN,
      testAccuracy: NaN,
      samplesPerSecond: NaN,
      parameters: this.network.parameterCount,
      fingerprint: fingerprint(this.network.layers),
      history: [],
    };
    host.send({type: "create", id, network: networkConfig, training: trainingOptions, options});
  }

  /** True while the worker trains (as of the latest state). */
  get training(): boolean {
    return this.state.status === "training";
  }

  /** Diverged or stopped by the diagnosis: nothing trains until reset(). */
  get ended(): boolean {
    return this.state.end !== null;
  }

  start(): void {
    if (!this.disposed) this.host.send({type: "start", id: this.id});
  }

  pause(): void {
    if (!this.disposed) this.host.send({type: "pause", id: this.id});
  }

  /** One minibatch update; resolves once `state` and `network` show it (null when nothing was done). */
  step(): Promise<StepInfo | null> {
    if (this.disposed) return Promise.resolve(null);
    const ticket = this.nextTicket++;
    return new Promise((resolve) => {
      this.tickets.set(ticket, resolve);
      this.host.send({type: "step", id: this.id, ticket});
    });
  }

  reset(): void {
    if (this.disposed) return;
    this.host.restart();
    if (this.state.end?.kind === "crashed") this.host.send({type: "create", id: this.id, network: this.networkConfig, training: this.trainingOptions, options: this.options});
    else this.host.send({type: "reset", id: this.id});
  }

  /** Continues from `network` (e.g. a loaded file), as LiveRun.adopt. The mirror shows it at once. */
  adopt(network: N, {steps = 0, samplesSeen = 0}: {steps?: number; samplesSeen?: number} = {}): void {
    if (this.disposed) return;
    const want = architectureOf(this.networkConfig),
      got = architectureOf(network.config);
    if (want !== got) throw new RangeError(`invalid network: layers ${got}, this run has ${want}`);
    unpackParameters(this.network, packParameters(network));
    this.checkpoints.clear();
    const file = network instanceof ConvNetwork ? toJSON(network) : toJSON(network as Network);
    this.host.send({type: "adopt", id: this.id, text: JSON.stringify(file), steps, samplesSeen});
  }

  setSpeed(speed: number): void {
    checkSpeed(speed);
    if (!this.disposed) this.host.send({type: "speed", id: this.id, value: speed});
  }

  setMaxEpochs(epochs: number): void {
    checkMaxEpochs(epochs);
    if (!this.disposed) this.host.send({type: "epochs", id: this.id, value: epochs});
  }

  subscribe(listener: (state: RunState) => void): () => void {
    return this.emitter.subscribe(listener);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.host.send({type: "dispose", id: this.id});
    this.emitter.clear();
    for (const resolve of this.tickets.values()) resolve(null);
    this.tickets.clear();
  }

  /** @internal */
  receive(message: FromWorker): void {
    if (this.disposed) return;
    if (message.type === "state") {
      unpackParameters(this.network, message.params);
      this.checkpoints.offer(message.state.steps, message.state.samplesSeen, message.params);
      this.state = message.state;
      this.details = message.details;
      this.emitter.send(this.state);
    } else if (message.type === "stepped") {
      this.tickets.get(message.ticket)?.({indices: message.indices, loss: message.loss});
      this.tickets.delete(message.ticket);
    }
  }

  /** @internal The worker reported an exception (a bad adopt, …): shown as the run's message. */
  failed(message: string): void {
    this.publish({...this.state, message: `The worker refused: ${message}`});
  }

  /** @internal */
  crashed(message: string): void {
    this.publish({...this.state, status: "crashed", end: {kind: "crashed", error: message}, message: `The training worker crashed (${message}); press Reset to start it again.`});
    for (const resolve of this.tickets.values()) resolve(null);
    this.tickets.clear();
  }

  private publish(state: RunState): void {
    if (this.disposed) return;
    this.state = state;
    this.emitter.send(state);
  }
}
