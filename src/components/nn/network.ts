/**
 * A fully-connected feed-forward network stored as flat typed arrays.
 *
 * Layer l (1-based, l = 1 … L) maps the activations a⁽ˡ⁻¹⁾ of the layer below to
 *   z⁽ˡ⁾ = W⁽ˡ⁾ a⁽ˡ⁻¹⁾ + b⁽ˡ⁾   (pre-activation)
 *   a⁽ˡ⁾ = f(z⁽ˡ⁾) for hidden layers, a⁽ᴸ⁾ = head(z⁽ᴸ⁾) for the output layer,
 * with W⁽ˡ⁾ one Float64Array of fanOut × fanIn, row-major: W[j·fanIn + i] is the weight of the
 * wire from unit i below to unit j above.
 *
 * The module never touches the DOM; it is imported unchanged by pages, workers, loaders, the CLI
 * and the tests. Every buffer a pass needs is allocated once, so forward and backward passes
 * allocate nothing.
 */
import {activation, type Activation, type ActivationName} from "./activations.js";
import {head, type Head, type HeadName} from "./heads.js";
import {initialiser, type InitName} from "./init.js";
import {MAX_SEED, source, STREAM} from "./random.js";
import {CHUNK, firstLayerKernel, networkKernel, type HiddenLayerTraining, type NetworkKernel} from "./simd.js";

export interface NetworkConfig {
  /** Layer sizes, input first: e.g. [784, 16, 16, 10]. At least two entries, each an integer ≥ 1. */
  layers: number[];
  /** Activation of every hidden layer. */
  activation: ActivationName;
  /** Output activation + loss. */
  head: HeadName;
  /** sigmoid-mse targets: true class / other classes (defaults 0.99 / 0). */
  targets?: {on: number; off: number};
  /** Weight initialiser. */
  init: InitName;
  /** Half-width of the naive `uniform` initialiser (default 0.5). */
  initScale?: number;
  /** Constant every bias starts at (default 0). */
  biasInit?: number;
  /** Seed of the initial weights: an integer from 0 to 2³² − 1. */
  seed: number;
}

export interface Layer {
  readonly fanIn: number;
  readonly fanOut: number;
  /** Float64Array of fanOut × fanIn, row-major. */
  readonly weights: Float64Array;
  /** Float64Array of fanOut. */
  readonly biases: Float64Array;
}

/** Per-layer gradients (or any per-parameter quantity) with the shapes of the layers. */
export interface LayerGradients {
  /** ∂L/∂W: Float64Array of fanOut × fanIn, row-major. */
  readonly weights: Float64Array;
  /** ∂L/∂b: Float64Array of fanOut. */
  readonly biases: Float64Array;
}

/** The non-zero entries of one input vector: index[k] ascending, value[k] ≠ 0, for k < nnz. */
export interface SparseInput {
  readonly index: Int32Array;
  readonly value: Float64Array;
  nnz: number;
}

/** The values of one forward pass, copied out for views: index 0 is the input layer. */
export interface ForwardTrace {
  /** z⁽ˡ⁾ for l = 1 … L (index l − 1). */
  z: Float64Array[];
  /** a⁽ˡ⁾ for l = 0 … L; a⁽⁰⁾ is the input. */
  a: Float64Array[];
}

/** One training step seen from inside, for views: deltas and gradients of every layer. */
export interface StepTrace extends ForwardTrace {
  loss: number;
  /** δ⁽ˡ⁾ = ∂L/∂z⁽ˡ⁾ for l = 1 … L (index l − 1). δ⁽¹⁾ is computed here although training skips it. */
  delta: Float64Array[];
  /** ∂L/∂W⁽ˡ⁾ and ∂L/∂b⁽ˡ⁾ for this one sample. */
  gradients: LayerGradients[];
}

/** A value as a message shows it: numbers as JavaScript prints them (NaN, Infinity), the rest as JSON. */
const show = (value: unknown): string => (typeof value === "number" ? String(value) : JSON.stringify(value));

const positiveInteger = (name: string, value: unknown): number => {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`invalid ${name}: ${show(value)} (expected an integer ≥ 1)`);
  }
  return value;
};

/**
 * Checks a config at the boundary and fills in defaults.
 * throws RangeError naming the first bad field and its value.
 */
export function normaliseConfig(config: NetworkConfig): Required<Omit<NetworkConfig, "targets">> & {targets: {on: number; off: number}} {
  if (config === null || typeof config !== "object") throw new TypeError(`invalid network config: ${config}`);
  const {layers, targets = {on: 0.99, off: 0}, initScale = 0.5, biasInit = 0} = config;
  if (!Array.isArray(layers) || layers.length < 2) {
    throw new RangeError(`invalid layers: ${JSON.stringify(layers)} (expected at least an input and an output size)`);
  }
  layers.forEach((n, l) => positiveInteger(`layer size layers[${l}]`, n));
  activation(config.activation);
  head(config.head, targets);
  initialiser(config.init);
  if (!(Number.isInteger(config.seed) && config.seed >= 0 && config.seed <= MAX_SEED)) throw new RangeError(`invalid seed: ${show(config.seed)} (expected an integer from 0 to ${MAX_SEED})`);
  if (!(Number.isFinite(initScale) && initScale > 0)) throw new RangeError(`invalid initScale: ${initScale} (expected a finite number > 0)`);
  if (!Number.isFinite(biasInit)) throw new RangeError(`invalid biasInit: ${biasInit}`);
  return {
    layers: [...layers],
    activation: config.activation,
    head: config.head,
    targets: {on: targets.on, off: targets.off},
    init: config.init,
    initScale,
    biasInit,
    seed: config.seed,
  };
}

export class Network {
  readonly config: ReturnType<typeof normaliseConfig>;
  readonly layers: Layer[];
  readonly activation: Activation;
  readonly head: Head;
  /** Number of layers with weights (L). */
  readonly depth: number;
  /** Workspace: z[l] = z⁽ˡ⁺¹⁾ of the last forward pass. */
  readonly z: Float64Array[];
  /** Workspace: a[l] = a⁽ˡ⁾ of the last forward pass; a[0] holds a copy of the input. */
  readonly a: Float64Array[];
  /** Workspace: delta[l] = δ⁽ˡ⁺¹⁾ of the last backward pass (delta[0] is left untouched). */
  readonly delta: Float64Array[];
  /**
   * Workspace for a sparse input: the indices (ascending) and values of its non-zero entries.
   * Most MNIST pixels are blank (about 81 %), so the first layer's work shrinks about fivefold.
   */
  readonly sparse: SparseInput;
  /**
   * Dropout masks of the hidden layers while a trainer runs a training forward/backward pass, else
   * null (evaluation and prediction never drop units). mask[l] belongs to hidden layer l + 1 and
   * holds, per unit, 0 (dropped) or 1/(1 − p) (kept: inverted dropout). With a mask,
   * a⁽ˡ⁾ = m ⊙ f(z⁽ˡ⁾) and backpropagation passes δ⁽ˡ⁾ = m ⊙ f′(z⁽ˡ⁾) ⊙ W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾.
   * The Trainer sets it and clears it again after each update.
   */
  dropoutMask: Float64Array[] | null = null;
  /**
   * WebAssembly kernels of the weight layers above the first while a trainer runs a minibatch
   * (index l for weight layer l + 1; null entries stay in TypeScript), else null. With a kernel,
   * the layer's forward sum and Wᵀδ are computed there (same bits) and its weight gradient is left
   * to the trainer (`accumulate` after the minibatch); `backward` still adds its biases.
   */
  trainingKernels: (HiddenLayerTraining | null)[] | null = null;
  /** Workspace of propagate: the rows (units above) whose δ is not 0. */
  private readonly rows: Int32Array;
  /** Workspace of forwardAbove: the non-zero activations of a hidden layer (indices ascending, values). */
  private readonly hidden: SparseInput;
  /** Workspace of inputGradient, one array per layer size, made on its first call. */
  private inputScratch: Float64Array[] | undefined;
  /** WebAssembly instance of simd.ts, made on the first predictBatch; null where unsupported. */
  private kernel: ReturnType<typeof firstLayerKernel> | undefined;
  /** WebAssembly instance of the whole-network kernel (simd.ts), made on the first predictBatch; null where unsupported. */
  private wholeKernel: NetworkKernel | null | undefined;

  /**
   * A network with the given config. Without `layers` the weights are drawn from the config's
   * initialiser and seed; with `layers` (e.g. from a file) their shapes are checked against the
   * config and the arrays are used as they are.
   * throws RangeError on a bad config or a layer whose shape does not match.
   */
  constructor(config: NetworkConfig, layers?: Layer[]) {
    this.config = normaliseConfig(config);
    const sizes = this.config.layers;
    this.depth = sizes.length - 1;
    this.activation = activation(this.config.activation);
    this.head = head(this.config.head, this.config.targets);
    if (layers) {
      if (layers.length !== this.depth) throw new RangeError(`invalid layers: expected ${this.depth} weight layers, got ${layers.length}`);
      layers.forEach((layer, l) => {
        const fanIn = sizes[l],
          fanOut = sizes[l + 1];
        if (layer.fanIn !== fanIn || layer.fanOut !== fanOut) throw new RangeError(`invalid layer ${l + 1}: shape ${layer.fanOut}×${layer.fanIn}, expected ${fanOut}×${fanIn}`);
        if (layer.weights.length !== fanIn * fanOut) throw new RangeError(`invalid layer ${l + 1}: ${layer.weights.length} weights, expected ${fanIn * fanOut}`);
        if (layer.biases.length !== fanOut) throw new RangeError(`invalid layer ${l + 1}: ${layer.biases.length} biases, expected ${fanOut}`);
      });
      this.layers = layers;
    } else {
      this.layers = initialLayers(this.config);
    }
    this.a = sizes.map((n) => new Float64Array(n));
    this.z = sizes.slice(1).map((n) => new Float64Array(n));
    this.delta = sizes.slice(1).map((n) => new Float64Array(n));
    this.sparse = {index: new Int32Array(sizes[0]), value: new Float64Array(sizes[0]), nnz: 0};
    const widest = Math.max(...sizes);
    this.rows = new Int32Array(widest);
    this.hidden = {index: new Int32Array(widest), value: new Float64Array(widest), nnz: 0};
  }

  get inputSize(): number {
    return this.config.layers[0];
  }

  get outputSize(): number {
    return this.config.layers[this.depth];
  }

  /** Total number of weights and biases. */
  get parameterCount(): number {
    return this.layers.reduce((n, {weights, biases}) => n + weights.length + biases.length, 0);
  }

  /**
   * Runs the forward pass and returns the output activations (a view of the workspace: copy it
   * to keep it past the next pass).
   * throws RangeError when input.length ≠ the input layer size.
   */
  forward(input: ArrayLike<number>): Float64Array {
    if (input.length !== this.inputSize) {
      throw new RangeError(`invalid input: length ${input.length}, expected ${this.inputSize}`);
    }
    const x = this.a[0];
    const {index, value} = this.sparse;
    let nnz = 0;
    for (let i = 0; i < x.length; i++) {
      const v = (x[i] = input[i]);
      if (v !== 0) {
        index[nnz] = i;
        value[nnz++] = v;
      }
    }
    this.sparse.nnz = nnz;
    // Both kernels give the same bits; the sparse one is faster when most inputs are 0.
    return 2 * nnz < x.length ? this.forwardSparse() : this.forwardWorkspace();
  }

  /** Forward pass from a[0] as already written into the workspace (no checks, no copy). */
  forwardWorkspace(): Float64Array {
    const {weights, biases, fanIn, fanOut} = this.layers[0];
    affine(weights, biases, this.a[0], this.z[0], fanIn, fanOut);
    return this.forwardAbove();
  }

  /**
   * Forward pass from the sparse input in `this.sparse` (a[0] is not written). Bit for bit the
   * same as `forwardWorkspace` on the dense input: each row's products are summed in the same
   * order, and the skipped products are exact zeros.
   */
  forwardSparse(): Float64Array {
    const {weights, biases, fanIn, fanOut} = this.layers[0];
    const {index, value, nnz} = this.sparse;
    sparseAffine(weights, biases, index, value, nnz, this.z[0], fanIn, fanOut);
    return this.forwardAbove();
  }

  /**
   * The rest of a forward pass once z⁽¹⁾ has been written into z[0] (by a first-layer kernel, e.g.
   * the Trainer's WebAssembly one): the same as the end of `forwardSparse`.
   */
  forwardFromFirstLayer(): Float64Array {
    return this.forwardAbove();
  }

  /** The rest of a forward pass once z⁽¹⁾ is known; without `head`, stops at the logits. */
  private forwardAbove(head = true): Float64Array {
    const {layers, a, z, depth} = this;
    const f = this.activation.f;
    for (let l = 0; l < depth; l++) {
      const zl = z[l];
      const kernel = l > 0 ? this.trainingKernels?.[l] : null;
      if (kernel) {
        kernel.forward(a[l], zl);
      } else if (l > 0) {
        const {weights, biases, fanIn, fanOut} = layers[l];
        hiddenAffine(weights, biases, a[l], zl, fanIn, fanOut, this.hidden);
      }
      if (l < depth - 1) activate(f, zl, a[l + 1], this.dropoutMask?.[l]);
    }
    if (head) this.head.activate(z[depth - 1], a[depth], this.outputSize);
    return a[depth];
  }

  /** Loss of the last forward pass for the true class `label`. */
  loss(label: number): number {
    return this.head.loss(this.a[this.depth], label, this.outputSize);
  }

  /**
   * Backpropagates from the last forward pass and adds this sample's ∂L/∂W and ∂L/∂b into
   * `gradients` (accumulating, so a minibatch sums its samples). The input layer's delta is not
   * needed for learning and is skipped. With `sparseInput` (after `forwardSparse`), the first
   * layer's gradient is added only in the columns of non-zero inputs: the others would add 0.
   * With `firstWeights` false the first layer's weight gradient is left to the caller (biases are added).
   */
  backward(label: number, gradients: LayerGradients[], sparseInput = false, firstWeights = true): void {
    const {layers, a, delta, depth} = this;
    this.head.delta(a[depth], label, delta[depth - 1], this.outputSize);
    for (let l = depth - 1; l >= 0; l--) {
      const {fanIn, fanOut} = layers[l];
      const g = gradients[l];
      // firstWeights false: the caller adds the first layer's weight gradient itself (the Trainer's
      // minibatch kernel, simd.ts firstLayerGradient, from delta[0]); its biases are added here.
      if ((l === 0 && !firstWeights) || (l > 0 && this.trainingKernels?.[l])) for (let j = 0, d = delta[l], gb = g.biases; j < fanOut; j++) gb[j] += d[j];
      else if (l === 0 && sparseInput) sparseOuterAdd(g.weights, g.biases, delta[0], this.sparse, fanIn, fanOut);
      else outerAdd(g.weights, g.biases, delta[l], a[l], fanIn, fanOut);
      if (l > 0) this.propagate(l);
    }
  }

  /**
   * Backpropagation fused with one plain SGD update for this one sample, with k = −η:
   * θ ← θ + k·(∂L/∂θ), with no gradient buffer. Each layer's delta is passed down before its
   * weights change, and k·(δ_j·x_i) is the very product the buffered path computes (its sum starts
   * at 0), so the weights come out bit for bit as with `backward` + SGD at batch size 1.
   * Returns false when an updated parameter is not finite.
   */
  backwardSgd(label: number, step: {readonly k: number}, sparseInput = false): boolean {
    // k arrives inside an object: a double passed as an argument to a call V8 does not inline is
    // boxed on the heap, once per sample.
    const k = step.k;
    const {layers, a, delta, depth} = this;
    this.head.delta(a[depth], label, delta[depth - 1], this.outputSize);
    let check = 0;
    for (let l = depth - 1; l >= 0; l--) {
      const {fanIn, fanOut, weights, biases} = layers[l];
      if (l > 0) this.propagate(l);
      const d = delta[l],
        x = a[l];
      const {index, value, nnz} = this.sparse;
      const sparse = l === 0 && sparseInput;
      for (let j = 0, row = 0; j < fanOut; j++, row += fanIn) {
        const dj = d[j];
        check += biases[j] += k * dj;
        if (dj === 0) continue;
        if (sparse) for (let n = 0; n < nnz; n++) check += weights[row + index[n]] += k * (dj * value[n]);
        else for (let i = 0; i < fanIn; i++) check += weights[row + i] += k * (dj * x[i]);
      }
    }
    // A boolean, not the sum: V8 would box a returned double on the heap at every step.
    return Number.isFinite(check);
  }

  /** δ⁽ˡ⁾_i = f'(z⁽ˡ⁾_i) · Σ_j W⁽ˡ⁺¹⁾_ji δ⁽ˡ⁺¹⁾_j: the delta of the layer below weight layer l (row-major W, row by row). */
  private propagate(l: number): void {
    const {weights, fanIn, fanOut} = this.layers[l];
    const d = this.delta[l],
      below = this.delta[l - 1],
      zb = this.z[l - 1],
      ab = this.a[l];
    const df = this.activation.df;
    const kernel = this.trainingKernels?.[l];
    if (kernel) kernel.backward(d, below);
    else transposedProduct(weights, d, below, fanIn, fanOut, this.rows);
    const mask = this.dropoutMask;
    if (mask) {
      // a = m·f(z): f′ needs the unmasked activation, so f(z) is computed again (same bits as the forward pass).
      const m = mask[l - 1],
        f = this.activation.f;
      for (let i = 0; i < fanIn; i++) below[i] = m[i] === 0 ? 0 : below[i] * df(zb[i], f(zb[i])) * m[i];
    } else {
      slope(df, below, zb, ab, fanIn);
    }
  }

  /** The index of the largest output for `input` (ties: the lowest index). */
  predict(input: ArrayLike<number>): number {
    this.forward(input);
    // The largest logit is the largest output: both heads are increasing functions of z.
    return argmax(this.z[this.depth - 1]);
  }

  /**
   * Predicted classes of `count` inputs stored back to back in `inputs` (count × inputSize,
   * row-major), written to `out`. Skips the output head (argmax of the logits is the answer), and
   * runs the first layer on the non-zero inputs only, with the WebAssembly SIMD kernel of simd.ts
   * where the engine supports it (`simd: false` forces the TypeScript kernel; both give the same bits).
   * throws RangeError when inputs.length < count × inputSize or out.length < count.
   */
  predictBatch(inputs: ArrayLike<number>, count: number, out: Uint8Array | Uint16Array | Uint32Array, {simd = true}: {simd?: boolean} = {}): typeof out {
    const n = this.inputSize;
    if (inputs.length < count * n) throw new RangeError(`invalid inputs: length ${inputs.length}, expected ${count} × ${n}`);
    if (out.length < count) throw new RangeError(`invalid out: length ${out.length}, expected ≥ ${count}`);
    const {weights, biases, fanOut} = this.layers[0];
    const logits = this.z[this.depth - 1],
      z1 = this.z[0];
    // The WebAssembly SIMD kernel when this engine runs it (same bits), else the TypeScript one.
    if (simd && inputs instanceof Float32Array) {
      // Every layer in WebAssembly SIMD (ReLU, leaky ReLU, identity): the class comes back.
      if (this.wholeKernel === undefined) this.wholeKernel = networkKernel(this.config.layers, this.config.activation);
      const whole = this.wholeKernel;
      if (whole) {
        whole.load(this.layers);
        for (let start = 0; start < count; start += CHUNK) {
          const m = Math.min(CHUNK, count - start);
          const classes = whole.predictF32(inputs, start, m);
          for (let c = 0; c < m; c++) out[start + c] = classes[c];
        }
        return out;
      }
    }
    const kernel = simd ? this.simdKernel() : null;
    if (kernel && inputs instanceof Float32Array) {
      // Whole chunks in WebAssembly: it finds the non-zero pixels and computes z⁽¹⁾ for each input.
      for (let start = 0; start < count; start += CHUNK) {
        const m = Math.min(CHUNK, count - start);
        const zs = kernel.runF32(inputs, start, m);
        for (let c = 0, o = 0; c < m; c++) {
          for (let j = 0; j < fanOut; j++, o++) z1[j] = zs[o];
          this.forwardAbove(false);
          out[start + c] = argmax(logits);
        }
      }
      return out;
    }
    const {index, value} = kernel ?? this.sparse;
    for (let c = 0, o = 0; c < count; c++, o += n) {
      let nnz = 0;
      for (let i = 0; i < n; i++) {
        const v = inputs[o + i];
        if (v !== 0) {
          index[nnz] = i;
          value[nnz++] = v;
        }
      }
      if (kernel) {
        kernel.run(nnz);
        z1.set(kernel.z);
      } else {
        sparseAffine(weights, biases, index, value, nnz, z1, n, fanOut);
      }
      this.forwardAbove(false);
      out[c] = argmax(logits);
    }
    return out;
  }

  /** The SIMD kernel, made once per network (null where unsupported), loaded with the current first layer. */
  private simdKernel(): ReturnType<typeof firstLayerKernel> {
    if (this.kernel === undefined) this.kernel = firstLayerKernel(this.layers[0].fanIn, this.layers[0].fanOut);
    this.kernel?.load(this.layers[0]);
    return this.kernel;
  }

  /** z and a of every layer for one input, copied out for views. */
  trace(input: ArrayLike<number>): ForwardTrace {
    this.forward(input);
    return {z: this.z.map((v) => v.slice()), a: this.a.map((v) => v.slice())};
  }

  /**
   * One sample's training step seen from inside, without changing the weights: forward values,
   * loss, every layer's delta (including δ⁽¹⁾) and gradients.
   */
  traceStep(input: ArrayLike<number>, label: number): StepTrace {
    const gradients = zeroGradients(this);
    const {z, a} = this.trace(input);
    const loss = this.loss(label);
    this.backward(label, gradients);
    // δ⁽¹⁾ (skipped by backward) for completeness: f'(z⁽¹⁾) ⊙ W⁽²⁾ᵀ δ⁽²⁾.
    const delta = this.delta.map((v) => v.slice());
    if (this.depth > 1) {
      const {weights, fanIn, fanOut} = this.layers[1];
      const d1 = delta[0].fill(0);
      for (let j = 0; j < fanOut; j++) for (let i = 0; i < fanIn; i++) d1[i] += weights[j * fanIn + i] * delta[1][j];
      for (let i = 0; i < fanIn; i++) d1[i] *= this.activation.df(z[0][i], a[1][i]);
    }
    return {z, a, loss, delta, gradients};
  }

  /**
   * The gradient of one logit with respect to the input pixels (a saliency map):
   *   g_i = ∂z⁽ᴸ⁾_c / ∂x_i   for i = 0 … inputSize − 1,
   * at `input`, for class `c`. One forward pass, then one backward pass seeded with δ⁽ᴸ⁾ = e_c
   * (the unit vector of class c): δ⁽ˡ⁾ = f′(z⁽ˡ⁾) ⊙ W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾ down to the first layer, and
   * g = W⁽¹⁾ᵀ δ⁽¹⁾. The head is not involved (a logit, not a probability), so both heads give the
   * same map; at a ReLU kink (z = 0) it takes the slope `df` gives there, as training does.
   *
   * input: ArrayLike<number> of inputSize. Returns a Float64Array of inputSize: `out` when given,
   * else a new array. The weights are untouched and so is the training workspace `delta`; `a` and
   * `z` hold this input's forward pass afterwards.
   * throws RangeError when input.length ≠ inputSize, c is not an integer in [0, outputSize), or
   * out.length ≠ inputSize.
   */
  inputGradient(input: ArrayLike<number>, c: number, out: Float64Array = new Float64Array(this.inputSize)): Float64Array {
    if (!(Number.isInteger(c) && c >= 0 && c < this.outputSize)) throw new RangeError(`invalid class: ${show(c)} (expected an integer from 0 to ${this.outputSize - 1})`);
    if (out.length !== this.inputSize) throw new RangeError(`invalid out: length ${out.length}, expected ${this.inputSize}`);
    this.forward(input);
    const {layers, z, a, depth} = this;
    // d holds δ of the layer above weight layer l (its fanOut entries), below receives the next one down.
    const scratch = (this.inputScratch ??= this.config.layers.map((n) => new Float64Array(n)));
    let d = scratch[depth].fill(0);
    d[c] = 1;
    const df = this.activation.df;
    for (let l = depth - 1; l >= 0; l--) {
      const {weights, fanIn, fanOut} = layers[l];
      const below = l === 0 ? out.fill(0) : scratch[l].fill(0);
      for (let j = 0, row = 0; j < fanOut; j++, row += fanIn) {
        const dj = d[j];
        if (dj === 0) continue;
        for (let i = 0; i < fanIn; i++) below[i] += weights[row + i] * dj;
      }
      // Through the hidden activation below (layer l, whose z is z[l − 1] and a is a[l]).
      if (l > 0) for (let i = 0; i < fanIn; i++) below[i] *= df(z[l - 1][i], a[l][i]);
      d = below;
    }
    return out;
  }

  /** A deep copy with its own weights and workspace. */
  clone(): Network {
    return new Network(
      this.config,
      this.layers.map(({fanIn, fanOut, weights, biases}) => ({fanIn, fanOut, weights: weights.slice(), biases: biases.slice()})),
    );
  }
}

/** Draws every layer's weights from the config's initialiser; biases start at biasInit. */
function initialLayers(config: ReturnType<typeof normaliseConfig>): Layer[] {
  const random = source(config.seed, STREAM.init);
  const init = initialiser(config.init);
  const layers: Layer[] = [];
  for (let l = 0; l + 1 < config.layers.length; l++) {
    const fanIn = config.layers[l],
      fanOut = config.layers[l + 1];
    const sample = init(fanIn, fanOut, random, {scale: config.initScale});
    const weights = new Float64Array(fanIn * fanOut);
    for (let k = 0; k < weights.length; k++) weights[k] = sample();
    layers.push({fanIn, fanOut, weights, biases: new Float64Array(fanOut).fill(config.biasInit)});
  }
  return layers;
}

/** Zeroed arrays shaped like the network's layers. */
export function zeroGradients(network: Network): LayerGradients[] {
  return network.layers.map(({weights, biases}) => ({weights: new Float64Array(weights.length), biases: new Float64Array(biases.length)}));
}

/**
 * z = W x + b for W of fanOut × fanIn, row-major: z_j = b_j + s_j, where s_j sums W_ji·x_i from
 * i = 0 upwards, one addition at a time. That order is the contract every kernel keeps (dense,
 * sparse, any platform), so all of them give the same bits. Four rows go at once, so four
 * independent sums are in flight and each x_i is read once per block.
 */
export function affine(W: Float64Array, b: Float64Array, x: Float64Array, z: Float64Array, fanIn: number, fanOut: number): void {
  let j = 0;
  for (; j + 3 < fanOut; j += 4) {
    const r0 = j * fanIn,
      r1 = r0 + fanIn,
      r2 = r1 + fanIn,
      r3 = r2 + fanIn;
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (let i = 0; i < fanIn; i++) {
      const xi = x[i];
      s0 += W[r0 + i] * xi;
      s1 += W[r1 + i] * xi;
      s2 += W[r2 + i] * xi;
      s3 += W[r3 + i] * xi;
    }
    z[j] = b[j] + s0;
    z[j + 1] = b[j + 1] + s1;
    z[j + 2] = b[j + 2] + s2;
    z[j + 3] = b[j + 3] + s3;
  }
  for (; j < fanOut; j++) {
    const r = j * fanIn;
    let s = 0;
    for (let i = 0; i < fanIn; i++) s += W[r + i] * x[i];
    z[j] = b[j] + s;
  }
}

/**
 * `affine` for an input given by its non-zero entries (index ascending): the same sums in the same
 * order without the zero products, so the same bits with about a fifth of the work on MNIST.
 * Kept as its own loop rather than `affine` with an identity index: the extra index load would
 * slow the dense hidden layers. tests/unit/fast-path.test.ts holds the two to the same bits.
 */
export function sparseAffine(W: Float64Array, b: Float64Array, index: Int32Array, value: Float64Array, nnz: number, z: Float64Array, fanIn: number, fanOut: number): void {
  let j = 0;
  for (; j + 3 < fanOut; j += 4) {
    const r0 = j * fanIn,
      r1 = r0 + fanIn,
      r2 = r1 + fanIn,
      r3 = r2 + fanIn;
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (let k = 0; k < nnz; k++) {
      const i = index[k],
        xi = value[k];
      s0 += W[r0 + i] * xi;
      s1 += W[r1 + i] * xi;
      s2 += W[r2 + i] * xi;
      s3 += W[r3 + i] * xi;
    }
    z[j] = b[j] + s0;
    z[j + 1] = b[j + 1] + s1;
    z[j + 2] = b[j + 2] + s2;
    z[j + 3] = b[j + 3] + s3;
  }
  for (; j < fanOut; j++) {
    const r = j * fanIn;
    let s = 0;
    for (let k = 0; k < nnz; k++) s += W[r + index[k]] * value[k];
    z[j] = b[j] + s;
  }
}

/**
 * a = f(z), times the dropout mask m when there is one. Small functions of their own (this and
 * `slope`), so that V8 inlines f and f′ into their loops: a call it does not inline returns each
 * double boxed on the heap, and the training path allocates nothing.
 */
function activate(f: (z: number) => number, z: Float64Array, a: Float64Array, m: Float64Array | undefined): void {
  if (m) for (let j = 0; j < z.length; j++) a[j] = f(z[j]) * m[j];
  else for (let j = 0; j < z.length; j++) a[j] = f(z[j]);
}

/** below_i ← below_i · f′(z_i, a_i) for i < n. */
function slope(df: (z: number, a: number) => number, below: Float64Array, z: Float64Array, a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) below[i] *= df(z[i], a[i]);
}

/**
 * z = W a + b for a hidden layer's activations a: the silent units (0, e.g. ReLU's) are listed out
 * and skipped when they are most of them (they add ±0 to each sum, which changes no bit), else
 * `affine`. Its own function so that `forwardAbove` stays small enough for V8 to inline the
 * activation (a call it does not inline returns a boxed double). `hidden`: scratch of fanIn.
 */
function hiddenAffine(W: Float64Array, b: Float64Array, a: Float64Array, z: Float64Array, fanIn: number, fanOut: number, hidden: SparseInput): void {
  const {index, value} = hidden;
  let nnz = 0;
  for (let i = 0; i < fanIn; i++) {
    const v = a[i];
    index[nnz] = i;
    value[nnz] = v;
    nnz += v !== 0 ? 1 : 0;
  }
  if (2 * nnz < fanIn) sparseAffine(W, b, index, value, nnz, z, fanIn, fanOut);
  else affine(W, b, a, z, fanIn, fanOut);
}

/**
 * below = Wᵀd for W of fanOut × fanIn, row-major: below_i = Σ_j W_ji·d_j from j = 0 upwards, starting
 * at 0, rows with d_j = 0 skipped (the order backpropagation documents). The rows that count are
 * listed first, then taken four at a time, so each below_i is loaded and stored once per four
 * rows and its sum still adds one row after the other. `rows`: scratch of fanOut.
 */
export function transposedProduct(W: Float64Array, d: Float64Array, below: Float64Array, fanIn: number, fanOut: number, rows: Int32Array): void {
  let n = 0;
  for (let j = 0; j < fanOut; j++) {
    rows[n] = j;
    n += d[j] !== 0 ? 1 : 0;
  }
  below.fill(0);
  let k = 0;
  for (; k + 3 < n; k += 4) {
    const j0 = rows[k],
      j1 = rows[k + 1],
      j2 = rows[k + 2],
      j3 = rows[k + 3];
    const d0 = d[j0],
      d1 = d[j1],
      d2 = d[j2],
      d3 = d[j3];
    const r0 = j0 * fanIn,
      r1 = j1 * fanIn,
      r2 = j2 * fanIn,
      r3 = j3 * fanIn;
    for (let i = 0; i < fanIn; i++) below[i] = below[i] + W[r0 + i] * d0 + W[r1 + i] * d1 + W[r2 + i] * d2 + W[r3 + i] * d3;
  }
  for (; k < n; k++) {
    const j = rows[k],
      dj = d[j],
      r = j * fanIn;
    for (let i = 0; i < fanIn; i++) below[i] += W[r + i] * dj;
  }
}

/** gW += d ⊗ x, gb += d: one sample's weight gradient; rows of silent units (δ = 0, e.g. dead ReLUs) are skipped. */
function outerAdd(gW: Float64Array, gb: Float64Array, d: Float64Array, x: Float64Array, fanIn: number, fanOut: number): void {
  for (let j = 0, row = 0; j < fanOut; j++, row += fanIn) {
    const dj = d[j];
    gb[j] += dj;
    if (dj === 0) continue;
    for (let i = 0; i < fanIn; i++) gW[row + i] += dj * x[i];
  }
}

/** gW[:, i] += d · x_i for the non-zero inputs only (the other columns would add exact zeros), gb += d. */
function sparseOuterAdd(gW: Float64Array, gb: Float64Array, d: Float64Array, {index, value, nnz}: SparseInput, fanIn: number, fanOut: number): void {
  for (let j = 0, row = 0; j < fanOut; j++, row += fanIn) {
    const dj = d[j];
    gb[j] += dj;
    if (dj === 0) continue;
    for (let k = 0; k < nnz; k++) gW[row + index[k]] += dj * value[k];
  }
}

/** Index of the largest value (the first one on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  return best;
}
