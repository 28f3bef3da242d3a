/**
 * Minibatch training: shuffles the samples each epoch with the run's seed, takes minibatches of
 * `batchSize` in that order (the last one of an epoch may be smaller), and applies the optimiser
 * to the mean gradient of each minibatch. One call of `step()` is one parameter update.
 *
 * The trainer allocates everything it needs up front; `step()` allocates nothing.
 *
 * Options beyond the optimiser's own (see optimizers.ts, schedules.ts):
 * - weightDecay λ: weights only, never biases; L2 (g ← g + λθ) for sgd / momentum / adam,
 *   decoupled for adamw.
 * - nesterov: Nesterov momentum, optimizer "momentum" only.
 * - dropout p: inverted dropout on every hidden layer while training (kept units scaled by
 *   1/(1 − p)); evaluation and prediction never drop. Masks come from their own stream,
 *   source(seed, STREAM.dropout) with the trainer's seed, one uniform u per unit drawn per
 *   minibatch sample in minibatch order, then per hidden layer from the bottom, then per unit
 *   ascending; a unit is dropped when u < p.
 * - schedule, warmup, totalSteps: update t (0-based: `steps` before it) uses
 *   learningRateAt(η, t, {schedule, warmup, totalSteps}).
 * With every one of these at its default, each update is bit for bit what it was without them.
 * The fast paths (sparse inputs, fused SGD at batch size 1) stay on with schedules; dropout turns
 * off the fused path, weight decay makes SGD update every first-layer column.
 *
 * The network is a fully-connected `Network` or anything with the same training surface
 * (`TrainableNetwork`, trainable.ts), e.g. a `ConvNetwork` (conv.ts). A ConvNetwork reads its
 * samples dense (the sparse-input path and SGD's first-layer columns are fully-connected tricks)
 * and trains without dropout: the constructor refuses dropout > 0 for it.
 */
import type {Network, LayerGradients} from "./network.js";
import {optimizer, type Optimizer, type OptimizerName} from "./optimizers.js";
import {source, shuffle, STREAM, type Source} from "./random.js";
import {isConstantSchedule, rateAt, scheduleOptions, type ScheduleName} from "./schedules.js";
import type {Samples} from "./samples.js";
import {zeroGradientsOf, type TrainableNetwork} from "./trainable.js";
import {firstLayerTraining, hiddenLayerTraining, type FirstLayerTraining, type HiddenLayerTraining} from "./simd.js";

/** Largest minibatch whose first-layer gradient goes through the WebAssembly kernel (its buffers are sized for it). */
const KERNEL_MAX_BATCH = 1024;

export interface TrainingOptions {
  /** Learning rate η, finite and > 0. */
  learningRate: number;
  /** Minibatch size B, an integer ≥ 1 (capped at the number of samples). */
  batchSize: number;
  /** Default: "momentum" when momentum > 0, else "sgd". */
  optimizer?: OptimizerName;
  /** Classical momentum μ in [0, 1); 0 means plain SGD. */
  momentum?: number;
  /** Adam's β₁, β₂, ε. */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Nesterov momentum (optimizer "momentum" only; default false). */
  nesterov?: boolean;
  /** Weight decay λ in [0, 1] (default 0): weights only; L2 for sgd, momentum, adam; decoupled for adamw. */
  weightDecay?: number;
  /** Dropout probability p in [0, 1) of every hidden unit while training (default 0: none). */
  dropout?: number;
  /** Learning-rate schedule (default "constant"). */
  schedule?: ScheduleName;
  /** Linear warm-up over this many updates (integer ≥ 0, default 0). */
  warmup?: number;
  /** Horizon of the schedule: updates in the whole run (integer ≥ 1); required unless the schedule is constant. */
  totalSteps?: number;
  /** Seed of the sample order and the dropout masks (default: the network's seed). */
  seed?: number;
  /** Reshuffle the samples every epoch (default true); false keeps the samples' own order. */
  shuffle?: boolean;
  /**
   * Use the plain reference path (dense inputs, gradient buffers, no fused update) instead of the
   * fast one. Both give the same bits; tests and the bench hold the fast path to the reference.
   */
  reference?: boolean;
}

export interface Divergence {
  /** The 1-based step whose loss or update was not finite. */
  step: number;
  reason: string;
}

/**
 * Draws one sample's dropout masks (as the Trainer does): for each hidden layer from the bottom,
 * for each unit ascending, one u = random(); the unit is dropped (mask 0) when u < p, else kept
 * with mask `scale` = 1/(1 − p) (inverted dropout keeps E[mask] = 1).
 */
export function drawDropoutMasks(masks: Float64Array[], random: Source, p: number, scale = 1 / (1 - p)): void {
  for (const m of masks) for (let j = 0; j < m.length; j++) m[j] = random() < p ? 0 : scale;
}

export class Trainer<N extends TrainableNetwork = Network> {
  readonly network: N;
  readonly samples: Samples;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly optimizer: Optimizer;
  /** Parameter updates done so far. */
  steps = 0;
  /** Samples consumed so far (counting repeats across epochs). */
  samplesSeen = 0;
  /** Completed passes over the samples. */
  epoch = 0;
  /** Set once a step produced a non-finite loss or parameter; training then refuses to go on. */
  diverged: Divergence | null = null;
  /** Sum and count of per-sample losses since the last `takeLoss()`. */
  private lossSum = 0;
  private lossCount = 0;
  private readonly order: Uint32Array;
  private cursor = 0;
  private readonly random: Source;
  private readonly shuffles: boolean;
  /** Dropout p (0: off), the kept units' scale 1/(1 − p), the mask buffers and their source. */
  readonly dropout: number;
  private readonly dropoutScale: number;
  private readonly masks: Float64Array[];
  private readonly dropoutRandom: Source | null;
  /** Schedule options when η varies per update, else null (η stays the base rate). */
  private readonly schedule: {schedule: ScheduleName; warmup: number; totalSteps: number | undefined} | null;
  /** Plain SGD at batch size 1: backpropagation and update fused (Network.backwardSgd), same bits. */
  private readonly fused: boolean;
  private readonly reference: boolean;
  /** Samples go through their sparse view (fully-connected networks, not the reference path). */
  private readonly sparseInputs: boolean;
  /** k = −η·(1/B) with B = 1, as the SGD optimiser computes it, for the fused step. */
  private readonly sgdStep: {k: number};
  private readonly gradients: LayerGradients[];
  /**
   * The minibatch's first layer in WebAssembly SIMD (simd.ts: forward passes and the weight
   * gradient, same bits as the TypeScript kernels), for fully-connected networks on the sparse path
   * with 2 ≤ B ≤ 1024; else null. Its gradient buffer is gradients[0].weights.
   */
  private readonly firstLayer: FirstLayerTraining | null;
  /** With the first-layer kernel: the layers above it in WebAssembly too (index l: weight layer l + 1; null at 0 and for odd fan-ins). */
  private readonly hiddenLayers: (HiddenLayerTraining | null)[] | null;
  /** First-layer columns (inputs) some sample of the current minibatch had non-zero. */
  private readonly touched: {index: Int32Array; count: number; mark: Uint8Array};

  /**
   * throws RangeError naming the field and its value on a bad learning rate, batch size, momentum,
   * optimiser name, weight decay, Nesterov flag, dropout, schedule, warm-up or horizon, or when the
   * samples' input size or labels do not fit the network, or on dropout with a ConvNetwork.
   */
  constructor(network: N, samples: Samples, options: TrainingOptions) {
    if (samples.inputSize !== network.inputSize) {
      throw new RangeError(`invalid samples: input size ${samples.inputSize}, network expects ${network.inputSize}`);
    }
    if (samples.count < 1) throw new RangeError("invalid samples: empty");
    for (let i = 0; i < samples.count; i++) {
      const y = samples.labels[i];
      if (!(Number.isInteger(y) && y >= 0 && y < network.outputSize)) {
        throw new RangeError(`invalid label ${y} at sample ${i} (expected 0 … ${network.outputSize - 1})`);
      }
    }
    const {batchSize, momentum = 0, seed = network.config.seed, shuffle = true} = options;
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new RangeError(`invalid batch size: ${batchSize} (expected an integer ≥ 1)`);
    const name = options.optimizer ?? (momentum > 0 ? "momentum" : "sgd");
    const {dropout = 0} = options;
    if (!(typeof dropout === "number" && Number.isFinite(dropout) && dropout >= 0 && dropout < 1)) throw new RangeError(`invalid dropout: ${dropout} (expected a probability in [0, 1))`);
    if (dropout > 0 && network.kind === "conv") throw new RangeError(`invalid dropout: ${dropout} (dropout is for fully-connected networks; a convolutional network trains with dropout 0)`);
    const schedule = scheduleOptions(options);
    this.optimizer = optimizer(name, network.layers, options);
    this.schedule = isConstantSchedule(schedule) ? null : schedule;
    this.dropout = dropout;
    this.dropoutScale = dropout > 0 ? 1 / (1 - dropout) : 1;
    // One mask per hidden layer: z[l] has the size of hidden layer l + 1.
    this.masks = dropout > 0 ? network.z.slice(0, -1).map((z) => new Float64Array(z.length)) : [];
    this.dropoutRandom = dropout > 0 ? source(seed, STREAM.dropout) : null;
    this.network = network;
    this.samples = samples;
    this.batchSize = Math.min(batchSize, samples.count);
    this.learningRate = options.learningRate;
    this.random = source(seed, STREAM.order);
    this.shuffles = shuffle;
    this.reference = options.reference === true;
    this.sparseInputs = samples.sparse !== undefined && !this.reference && network.kind !== "conv";
    this.fused = !this.reference && this.optimizer.name === "sgd" && this.optimizer.weightDecay === 0 && dropout === 0 && this.batchSize === 1;
    this.sgdStep = {k: -options.learningRate * (1 / 1)};
    this.order = new Uint32Array(samples.count);
    this.gradients = zeroGradientsOf(network.layers);
    const first = network.layers[0];
    this.firstLayer = this.sparseInputs && !this.fused && this.batchSize >= 2 && this.batchSize <= KERNEL_MAX_BATCH ? firstLayerTraining(first.fanIn, first.fanOut, this.batchSize) : null;
    if (this.firstLayer) this.gradients[0] = {weights: this.firstLayer.weights, biases: this.gradients[0].biases};
    this.hiddenLayers = this.firstLayer ? network.layers.map(({fanIn, fanOut}, l) => (l === 0 ? null : hiddenLayerTraining(fanIn, fanOut, this.batchSize))) : null;
    this.hiddenLayers?.forEach((kernel, l) => {
      if (kernel) this.gradients[l] = {weights: kernel.weights, biases: this.gradients[l].biases};
    });
    this.touched = {index: new Int32Array(network.inputSize), count: 0, mark: new Uint8Array(network.inputSize)};
    this.shuffle();
  }

  /** The sample order of the current epoch (a permutation of 0 … count − 1). */
  get epochOrder(): Uint32Array {
    return this.order;
  }

  /** Fraction of the current epoch done, in [0, 1). */
  get epochProgress(): number {
    return this.cursor / this.samples.count;
  }

  /** The learning rate of update t (0-based): the base rate, or the schedule's rate. */
  learningRateAt(t: number): number {
    const s = this.schedule;
    return s ? rateAt(this.learningRate, t, s.schedule, s.warmup, s.totalSteps!) : this.learningRate;
  }

  /**
   * Sets the base learning rate of the next updates (the learning-rate range test moves it every
   * update). With a schedule, η_t is computed from this new base.
   * throws RangeError unless rate is finite and > 0.
   */
  setLearningRate(rate: number): void {
    if (!(Number.isFinite(rate) && rate > 0)) throw new RangeError(`invalid learning rate: ${rate} (expected a finite number > 0)`);
    (this as {learningRate: number}).learningRate = rate;
    this.optimizer.learningRate = rate;
    this.sgdStep.k = -rate * (1 / 1);
  }

  /** The learning rate the next update will use. */
  get currentLearningRate(): number {
    return this.learningRateAt(this.steps);
  }

  private drawMasks(): void {
    drawDropoutMasks(this.masks, this.dropoutRandom!, this.dropout, this.dropoutScale);
  }

  private shuffle(): void {
    const order = this.order;
    for (let i = 0; i < order.length; i++) order[i] = i;
    if (this.shuffles) shuffle(order, this.random);
  }

  /**
   * One minibatch update. Returns the minibatch's mean loss (before the update), or NaN when the
   * run has diverged (then `diverged` says at which step and why, and the weights are left as the
   * last finite update made them when the loss was the cause).
   */
  step(): number {
    this.update();
    return this.lastLoss;
  }

  /** Mean loss of the last minibatch (NaN after a divergence). */
  lastLoss = NaN;

  /**
   * `step()` without a return value: V8 boxes a double returned from a call it does not inline,
   * so the training loops call this and leave the loss in `lastLoss` (a field, stored in place).
   */
  private update(): void {
    if (this.diverged) {
      this.lastLoss = NaN;
      return;
    }
    const {network, samples, order, gradients, touched, firstLayer, hiddenLayers} = this;
    const count = samples.count;
    const b = Math.min(this.batchSize, count - this.cursor);
    const stepNumber = this.steps + 1;
    if (this.schedule) {
      const rate = this.learningRateAt(this.steps);
      this.optimizer.learningRate = rate;
      this.sgdStep.k = -rate * (1 / 1);
    }
    if (this.fused) return this.fusedStep(order[this.cursor], stepNumber);
    const x = network.a[0];
    const sparse = network.sparse;
    const dropout = this.dropout > 0;
    if (dropout) network.dropoutMask = this.masks;
    let loss = 0;
    // The layer as the optimiser left it (or anything else that changed it since).
    if (firstLayer) firstLayer.load(network.layers[0]);
    if (hiddenLayers) {
      for (let l = 1; l < hiddenLayers.length; l++) hiddenLayers[l]?.load(network.layers[l]);
      (network as unknown as Network).trainingKernels = hiddenLayers;
    }
    for (let k = 0; k < b; k++) {
      const i = order[this.cursor + k];
      if (dropout) this.drawMasks();
      const label = samples.labels[i];
      if (this.sparseInputs) {
        // Fast path, same bits: non-zero inputs only, and remember which first-layer columns moved.
        samples.sparse!(i, sparse);
        for (let n = 0; n < sparse.nnz; n++) {
          const column = sparse.index[n];
          if (!touched.mark[column]) {
            touched.mark[column] = 1;
            touched.index[touched.count++] = column;
          }
        }
        if (firstLayer) {
          // The first layer in WebAssembly (z⁽¹⁾ now, its weight gradient after the minibatch).
          const dense = network as unknown as Network;
          firstLayer.forward(sparse, dense.z[0]);
          dense.forwardFromFirstLayer();
          loss += network.loss(label);
          dense.backward(label, gradients, true, false);
          firstLayer.delta(dense.delta[0]);
        } else {
          network.forwardSparse();
          loss += network.loss(label);
          network.backward(label, gradients, true);
        }
      } else {
        samples.input(i, x);
        network.forwardWorkspace();
        loss += network.loss(label);
        network.backward(label, gradients);
      }
    }
    if (dropout) network.dropoutMask = null;
    if (firstLayer) firstLayer.accumulate(touched.index, touched.count);
    if (hiddenLayers) {
      (network as unknown as Network).trainingKernels = null;
      for (let l = 1; l < hiddenLayers.length; l++) hiddenLayers[l]?.accumulate();
    }
    if (!Number.isFinite(loss)) {
      this.diverged = {step: stepNumber, reason: `the loss became ${loss} at step ${stepNumber}; the update was not applied`};
      this.lastLoss = NaN;
      return;
    }
    const columns = this.sparseInputs ? touched : undefined;
    const finite = this.optimizer.step(network.layers, gradients, 1 / b, columns);
    this.clearGradients(columns);
    this.advance(stepNumber, b, loss, finite);
  }

  /** One sample, plain SGD: forward, then backpropagation fused with the update. */
  private fusedStep(i: number, stepNumber: number): void {
    const {network, samples} = this;
    const label = samples.labels[i];
    const sparse = this.sparseInputs; // fused implies !reference
    if (sparse) {
      samples.sparse!(i, network.sparse);
      network.forwardSparse();
    } else {
      samples.input(i, network.a[0]);
      network.forwardWorkspace();
    }
    const loss = network.loss(label);
    if (!Number.isFinite(loss)) {
      this.diverged = {step: stepNumber, reason: `the loss became ${loss} at step ${stepNumber}; the update was not applied`};
      this.lastLoss = NaN;
      return;
    }
    const finite = network.backwardSgd(label, this.sgdStep, sparse);
    this.advance(stepNumber, 1, loss, finite);
  }

  /** Bookkeeping after an update of b samples with summed loss `loss`. */
  private advance(stepNumber: number, b: number, loss: number, finite: boolean): void {
    this.steps = stepNumber;
    this.samplesSeen += b;
    this.lossSum += loss;
    this.lossCount += b;
    this.cursor += b;
    if (this.cursor >= this.samples.count) {
      this.cursor = 0;
      this.epoch++;
      this.shuffle();
    }
    if (!finite) {
      this.diverged = {step: stepNumber, reason: `a weight became non-finite at step ${stepNumber} (learning rate ${this.learningRate} is too large for this network)`};
      this.lastLoss = NaN;
      return;
    }
    this.lastLoss = loss / b;
  }

  /** Zeroes the gradient sums for the next minibatch; in the first layer only the columns that moved. */
  private clearGradients(columns?: {index: Int32Array; count: number; mark: Uint8Array}): void {
    const gradients = this.gradients;
    for (let l = columns ? 1 : 0; l < gradients.length; l++) {
      gradients[l].weights.fill(0);
      gradients[l].biases.fill(0);
    }
    if (!columns) return;
    const g = gradients[0],
      {fanIn, fanOut} = this.network.layers[0];
    g.biases.fill(0);
    const {index, count, mark} = columns;
    for (let j = 0, row = 0; j < fanOut; j++, row += fanIn) for (let c = 0; c < count; c++) g.weights[row + index[c]] = 0;
    for (let c = 0; c < count; c++) mark[index[c]] = 0;
    columns.count = 0;
  }

  /** Runs up to n steps, stopping early on divergence. Returns the number of updates applied. */
  run(n: number): number {
    const before = this.steps;
    for (let k = 0; k < n && !this.diverged; k++) this.update();
    return this.steps - before;
  }

  /** Mean per-sample training loss since the last call (NaN when no sample was seen), then resets it. */
  takeLoss(): number {
    const mean = this.lossCount ? this.lossSum / this.lossCount : NaN;
    this.lossSum = 0;
    this.lossCount = 0;
    return mean;
  }
}
