/**
 * Convolutional networks: 2-D convolution, max and average pooling, flatten, then the dense layers
 * and heads of network.ts, stored as flat typed arrays like the fully-connected `Network`.
 *
 * Tensors are channels-first: a feature map of C channels, H rows and W columns is one
 * Float64Array of C × H × W, row-major (value [c][y][x] at c·H·W + y·W + x). Flattening keeps
 * that order (C, then H, then W), so a dense layer after a map reads it as it is stored.
 *
 * A conv layer with stride s and zero padding p computes cross-correlation, as every framework does:
 *   z[o][y][x] = b[o] + Σ_c Σ_i Σ_j w[o][c][i][j] · in[c][y·s + i − p][x·s + j − p]
 * with in = 0 outside the map (zero padding), then a = f(z) (the network's hidden activation).
 * Output size: (H + 2p − kH)/s + 1 rows, (W + 2p − kW)/s + 1 columns; a stride that does not tile
 * the padded map exactly is refused.
 * Order of summation (the contract every kernel keeps, so an independent float64 implementation
 * reproduces the bits): s starts at 0 and adds w·in one product at a time for c ascending, then i,
 * then j; then z = b + s. Products whose input is 0 (padding, blank pixels, silent ReLUs) may be
 * skipped: adding ±0 to a sum that started at +0 changes no bit.
 * Max pooling (window k, stride t): out[c][y][x] = the largest in[c][y·t + i][x·t + j]; on a tie
 * the first in row-major order (i, then j) wins, and receives the whole gradient. Average pooling:
 * (Σ over i, then j, from 0) / (k·k), each input receiving (gradient / (k·k)).
 *
 * Backpropagation (one sample, δ = ∂L/∂z):
 * - ∂L/∂w[o][c][i][j] += δ[o][y][x] · in[c][y·s + i − p][x·s + j − p] for (y, x) row-major, each
 *   product added to the running sum (which keeps accumulating over a minibatch, sample by sample);
 *   ∂L/∂b[o] += δ[o][y][x] in the same order. Positions with δ = 0 (a silent ReLU, a pool's
 *   non-maximum) are skipped: exact zeros.
 * - ∂L/∂in (the map below) sums w·δ over the outputs (o, y, x) in row-major order, the transpose of
 *   the forward pass as the dense layers' Wᵀδ is; δ of the conv below = that ⊙ f′(z).
 * - The network's input gets no gradient (training does not need it).
 *
 * Initialisation: a conv layer's fan-in is inChannels × kH × kW and its fan-out outChannels × kH × kW
 * (what He, Xavier and LeCun see); the kernels are drawn in storage order, layer after layer, from
 * the same seeded stream as the fully-connected network's weights. A network of dense layers only is
 * bit for bit the `Network` of the same sizes and seed.
 *
 * Like Network, every buffer is allocated once: forward and backward passes allocate nothing, and
 * the arithmetic is + and × on float64 only, so Node, Chromium and workers give the same bits.
 * Dropout is for fully-connected networks only: the Trainer refuses it for a ConvNetwork.
 */
import {activation, type Activation, type ActivationName} from "./activations.js";
import {head, type Head, type HeadName} from "./heads.js";
import {initialiser, type InitName} from "./init.js";
import {affine, argmax, type Layer, type LayerGradients, type SparseInput} from "./network.js";
import {MAX_SEED, source, STREAM} from "./random.js";

/** A feature map's shape: [channels, height, width]. A flat vector of n units is [n, 1, 1]. */
export type Shape = readonly [channels: number, height: number, width: number];

/** 2-D convolution: `channels` output channels, square `kernel` or [kH, kW], stride (default 1), zero padding (default 0) on every side. */
export interface ConvSpec {
  type: "conv";
  channels: number;
  kernel: number | readonly [number, number];
  stride?: number;
  padding?: number;
}
/** Max or average pooling over square windows of `size`, moved by `stride` (default: size, no overlap). */
export interface PoolSpec {
  type: "maxpool" | "avgpool";
  size: number;
  stride?: number;
}
/** Flatten a feature map to a vector in (C, H, W) order (implicit before the first dense layer). */
export interface FlattenSpec {
  type: "flatten";
}
/** A fully-connected layer of `units`; the last layer of a network must be one (the output, with the head). */
export interface DenseSpec {
  type: "dense";
  units: number;
}
export type ConvLayerSpec = ConvSpec | PoolSpec | FlattenSpec | DenseSpec;
export type ConvLayerType = ConvLayerSpec["type"];

/**
 * The LeNet-style network of the train CLI's `--arch conv` and the bench's W5, for 1 × 28 × 28 digits:
 * conv 8 × 5×5 → f → max-pool 2 → conv 16 × 5×5 → f → max-pool 2 → dense 10
 * (feature maps 8×24×24, 8×12×12, 16×8×8, 16×4×4; 5,994 weights and biases).
 */
export const LENET_LAYERS: readonly ConvLayerSpec[] = [
  {type: "conv", channels: 8, kernel: 5},
  {type: "maxpool", size: 2},
  {type: "conv", channels: 16, kernel: 5},
  {type: "maxpool", size: 2},
  {type: "dense", units: 10},
];

export interface ConvNetworkConfig {
  /** Input shape [channels, height, width], e.g. [1, 28, 28] for MNIST. */
  input: readonly [number, number, number];
  /** The layers, input side first; the last one is dense (the output). */
  layers: readonly ConvLayerSpec[];
  /** Activation after every conv layer and every hidden dense layer (never after a pool or flatten). */
  activation: ActivationName;
  head: HeadName;
  /** sigmoid-mse targets (defaults 0.99 / 0). */
  targets?: {on: number; off: number};
  init: InitName;
  /** Half-width of the naive `uniform` initialiser (default 0.5). */
  initScale?: number;
  /** Constant every bias starts at (default 0). */
  biasInit?: number;
  /** Seed of the initial weights: an integer from 0 to 2³² − 1. */
  seed: number;
}

/** The config with every default written out: kernels as [kH, kW], strides and paddings given. */
export interface NormalisedConvConfig {
  input: [number, number, number];
  layers: ({type: "conv"; channels: number; kernel: [number, number]; stride: number; padding: number} | {type: "maxpool" | "avgpool"; size: number; stride: number} | FlattenSpec | DenseSpec)[];
  activation: ActivationName;
  head: HeadName;
  targets: {on: number; off: number};
  init: InitName;
  initScale: number;
  biasInit: number;
  seed: number;
}

/**
 * A convolution's parameters. weights: Float64Array of outChannels × inChannels × kernelHeight ×
 * kernelWidth, row-major (kernel weight w[o][c][i][j] at ((o·inChannels + c)·kH + i)·kW + j), which
 * is also the fanOut × fanIn matrix the optimisers and the fingerprint see (fanOut = outChannels,
 * fanIn = inChannels·kH·kW); biases: Float64Array of outChannels.
 */
export interface ConvLayer extends Layer {
  readonly type: "conv";
  /** Index of this layer in config.layers. */
  readonly index: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly stride: number;
  readonly padding: number;
  /** Shape of the map it reads (unpadded) and of the map it writes. */
  readonly inShape: Shape;
  readonly outShape: Shape;
}

/** A dense layer's parameters: weights Float64Array of fanOut × fanIn, row-major; biases of fanOut. */
export interface DenseLayer extends Layer {
  readonly type: "dense";
  readonly index: number;
  readonly inShape: Shape;
  readonly outShape: Shape;
}

export type ParameterLayer = ConvLayer | DenseLayer;

/** One stage of the forward pass (one entry of config.layers), with its buffers. */
interface Stage {
  readonly type: ConvLayerType;
  readonly index: number;
  readonly inShape: Shape;
  readonly outShape: Shape;
  /** Index into layers / z / delta of a conv or dense stage, else −1. */
  readonly param: number;
  /** Hidden conv or dense: f is applied after it. */
  readonly activated: boolean;
  /** conv: the zero-padded copy of the input (null when padding is 0); the borders stay 0. */
  readonly padded: Float64Array | null;
  /** conv with padding: ∂L/∂(padded input), cropped into the gradient below. */
  readonly paddedGradient: Float64Array | null;
  /** conv: offset of kernel entry k = (c·kH + i)·kW + j inside the (padded) input, relative to the receptive field's corner. */
  readonly offsets: Int32Array | null;
  /** maxpool: index (in the input map) of the winner of each output. */
  readonly winners: Int32Array | null;
  /** conv: scratch of the weight gradient (the non-zero δ of one channel and their corners). */
  readonly values: Float64Array | null;
  readonly corners: Int32Array | null;
  /** Pool window and stride. */
  readonly size: number;
  readonly stride: number;
}

/** The values of one layer for one input, copied out for views. */
export interface FeatureMap {
  /** Index in config.layers, or −1 for the input itself. */
  index: number;
  type: ConvLayerType | "input";
  shape: Shape;
  /** Pre-activation z (conv and dense layers only). */
  z: Float64Array | null;
  /** The layer's output: f(z) for a hidden conv / dense layer, the head's output for the last one, the pooled map for a pool, the input itself at index −1. */
  a: Float64Array;
}

/** One product of a feature-map pixel's sum. */
export interface PixelTerm {
  /** Input channel, kernel row, kernel column. */
  c: number;
  i: number;
  j: number;
  /** Position in the input map (may lie outside it when the layer pads: then `padding` is true and input is 0). */
  y: number;
  x: number;
  padding: boolean;
  weight: number;
  input: number;
  /** weight · input. */
  product: number;
}

/** The exact sum behind one conv feature-map pixel, with its receptive field. */
export interface PixelSum {
  /** Index of the conv layer in config.layers. */
  layer: number;
  /** Output channel and position. */
  channel: number;
  y: number;
  x: number;
  bias: number;
  /** Every product, in the order they are summed: c, then i, then j ascending. */
  terms: PixelTerm[];
  /** b + (Σ terms from 0, in order): bit for bit the network's z. */
  z: number;
  /** f(z), the pixel's activation. */
  a: number;
  /** The receptive field in the input map: channels 0 … inChannels − 1, rows y0 … y1, columns x0 … x1 (inclusive; padded positions included). */
  field: {y0: number; x0: number; y1: number; x1: number};
}

const show = (value: unknown): string => (typeof value === "number" ? String(value) : JSON.stringify(value));
const isPositiveInteger = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 1;
const shapeText = ([c, h, w]: Shape) => `${c}×${h}×${w}`;

/**
 * Checks a config and fills in defaults, and works out every layer's input and output shape.
 * throws RangeError naming the first bad field, or the first layer (index and type) whose shapes do
 * not fit, with the shapes.
 */
export function normaliseConvConfig(config: ConvNetworkConfig): {config: NormalisedConvConfig; shapes: {inShape: Shape; outShape: Shape}[]} {
  if (config === null || typeof config !== "object") throw new TypeError(`invalid network config: ${config}`);
  const {input, layers, targets = {on: 0.99, off: 0}, initScale = 0.5, biasInit = 0} = config;
  if (!Array.isArray(input) || input.length !== 3 || !input.every(isPositiveInteger)) {
    throw new RangeError(`invalid input: ${JSON.stringify(input)} (expected [channels, height, width], integers ≥ 1)`);
  }
  if (!Array.isArray(layers) || layers.length < 1) throw new RangeError(`invalid layers: ${JSON.stringify(layers)} (expected at least the output layer)`);
  activation(config.activation);
  head(config.head, targets);
  initialiser(config.init);
  if (!(Number.isInteger(config.seed) && config.seed >= 0 && config.seed <= MAX_SEED)) throw new RangeError(`invalid seed: ${show(config.seed)} (expected an integer from 0 to ${MAX_SEED})`);
  if (!(Number.isFinite(initScale) && initScale > 0)) throw new RangeError(`invalid initScale: ${initScale} (expected a finite number > 0)`);
  if (!Number.isFinite(biasInit)) throw new RangeError(`invalid biasInit: ${biasInit}`);
  const normal: NormalisedConvConfig["layers"] = [];
  const shapes: {inShape: Shape; outShape: Shape}[] = [];
  let shape: Shape = [input[0], input[1], input[2]];
  let flat = false;
  layers.forEach((spec, l) => {
    const type = (spec as {type?: unknown} | null)?.type;
    const name = `layers[${l}] (${typeof type === "string" ? type : show(type)})`;
    const field = (key: string, value: unknown, min = 1): number => {
      if (typeof value !== "number" || !Number.isInteger(value) || value < min) throw new RangeError(`invalid ${name}: ${key} ${show(value)} (expected an integer ≥ ${min})`);
      return value;
    };
    const [C, H, W] = shape;
    const inShape = shape;
    if (type === "conv" || type === "maxpool" || type === "avgpool") {
      if (flat)
        throw new RangeError(`invalid ${name}: its input is the flat vector of ${C} units of the layer below, not a feature map (conv and pooling layers come before flatten and dense layers)`);
    }
    if (type === "conv") {
      const s = spec as ConvSpec;
      const channels = field("channels", s.channels);
      const k = s.kernel;
      const [kH, kW] =
        typeof k === "number" ? [field("kernel", k), field("kernel", k)] : Array.isArray(k) && k.length === 2 ? [field("kernel[0]", k[0]), field("kernel[1]", k[1])] : [field("kernel", k), 0];
      const stride = field("stride", s.stride ?? 1);
      const padding = field("padding", s.padding ?? 0, 0);
      if (padding >= kH || padding >= kW)
        throw new RangeError(`invalid ${name}: padding ${padding} with a ${kH}×${kW} kernel (expected padding < the kernel size: wider padding adds outputs that see only zeros)`);
      const Hp = H + 2 * padding,
        Wp = W + 2 * padding;
      if (kH > Hp || kW > Wp) throw new RangeError(`invalid ${name}: kernel ${kH}×${kW} is larger than its input ${shapeText(shape)}${padding ? ` padded by ${padding} to ${Hp}×${Wp}` : ""}`);
      if ((Hp - kH) % stride !== 0 || (Wp - kW) % stride !== 0)
        throw new RangeError(
          `invalid ${name}: stride ${stride} does not tile its input ${shapeText(shape)}${padding ? ` padded to ${Hp}×${Wp}` : ""} with a ${kH}×${kW} kernel ((${Hp} − ${kH}) and (${Wp} − ${kW}) must be multiples of ${stride})`,
        );
      shape = [channels, (Hp - kH) / stride + 1, (Wp - kW) / stride + 1];
      normal.push({type, channels, kernel: [kH, kW], stride, padding});
    } else if (type === "maxpool" || type === "avgpool") {
      const s = spec as PoolSpec;
      const size = field("size", s.size);
      const stride = field("stride", s.stride ?? size);
      if (size > H || size > W) throw new RangeError(`invalid ${name}: window ${size}×${size} is larger than its input ${shapeText(shape)}`);
      if ((H - size) % stride !== 0 || (W - size) % stride !== 0)
        throw new RangeError(
          `invalid ${name}: window ${size} with stride ${stride} does not tile its input ${shapeText(shape)} ((${H} − ${size}) and (${W} − ${size}) must be multiples of ${stride})`,
        );
      shape = [C, (H - size) / stride + 1, (W - size) / stride + 1];
      normal.push({type, size, stride});
    } else if (type === "flatten") {
      shape = [C * H * W, 1, 1];
      flat = true;
      normal.push({type});
    } else if (type === "dense") {
      const units = field("units", (spec as DenseSpec).units);
      shape = [units, 1, 1];
      flat = true;
      normal.push({type, units});
    } else {
      throw new RangeError(`invalid ${name}: unknown layer type (expected conv, maxpool, avgpool, flatten or dense)`);
    }
    shapes.push({inShape, outShape: shape});
  });
  const last = normal[normal.length - 1];
  if (last.type !== "dense") throw new RangeError(`invalid layers[${normal.length - 1}] (${last.type}): the last layer must be dense (the output layer, with the head)`);
  return {
    config: {
      input: [input[0], input[1], input[2]],
      layers: normal,
      activation: config.activation,
      head: config.head,
      targets: {on: targets.on, off: targets.off},
      init: config.init,
      initScale,
      biasInit,
      seed: config.seed,
    },
    shapes,
  };
}

const size = ([c, h, w]: Shape) => c * h * w;

export class ConvNetwork {
  readonly kind = "conv" as const;
  readonly config: NormalisedConvConfig;
  /** The conv and dense layers' parameters, input side first (what the optimisers update and the fingerprint hashes). */
  readonly layers: ParameterLayer[];
  readonly activation: Activation;
  readonly head: Head;
  /** Number of parameter layers (conv and dense). */
  readonly depth: number;
  /** Shape of every entry of config.layers' output, in order. */
  readonly shapes: Shape[];
  /**
   * Workspace: a[0] is the input (C × H × W); a[s + 1] the output of config.layers[s] (a flatten's is
   * the same array as its input's).
   */
  readonly a: Float64Array[];
  /** Workspace: z[l] = pre-activation of parameter layer l (z[depth − 1]: the logits). */
  readonly z: Float64Array[];
  /** Workspace: delta[l] = ∂L/∂z of parameter layer l, from the last backward pass. */
  readonly delta: Float64Array[];
  /** Workspace: g[s] = ∂L/∂a[s] for 1 ≤ s < stages (g[0] stays empty: the input gets no gradient). */
  readonly g: Float64Array[];
  /** Workspace of forwardSparse (the non-zero input entries). */
  readonly sparse: SparseInput;
  /** Always null: dropout is for fully-connected networks (the Trainer refuses it here). */
  dropoutMask: Float64Array[] | null = null;
  private readonly stages: Stage[];
  /** Gradient buffer of backwardSgd, made on first use. */
  private sgdScratch: LayerGradients[] | undefined;

  /**
   * A network with the given config. Without `layers` the weights are drawn from the config's
   * initialiser and seed; with `layers` (e.g. from a file: {fanIn, fanOut, weights, biases} per
   * conv or dense layer, in order) their shapes are checked and the arrays used as they are.
   * throws RangeError on a bad config, a layer whose shapes do not fit (naming it by index and type,
   * with the shapes), or a given layer of the wrong shape.
   */
  constructor(config: ConvNetworkConfig, layers?: readonly Layer[]) {
    const {config: normal, shapes} = normaliseConvConfig(config);
    this.config = normal;
    this.activation = activation(normal.activation);
    this.head = head(normal.head, normal.targets);
    this.shapes = shapes.map((s) => s.outShape);
    const random = layers ? null : source(normal.seed, STREAM.init);
    const init = initialiser(normal.init);
    const parameterLayers: ParameterLayer[] = [];
    const stages: Stage[] = [];
    const last = normal.layers.length - 1;
    normal.layers.forEach((spec, index) => {
      const {inShape, outShape} = shapes[index];
      const [C, H, W] = inShape;
      const base = {
        type: spec.type,
        index,
        inShape,
        outShape,
        param: -1,
        activated: false,
        padded: null,
        paddedGradient: null,
        offsets: null,
        winners: null,
        values: null,
        corners: null,
        size: 0,
        stride: 0,
      };
      if (spec.type === "conv" || spec.type === "dense") {
        const conv = spec.type === "conv";
        const [kH, kW] = conv ? spec.kernel : [1, 1];
        const fanIn = conv ? C * kH * kW : size(inShape);
        const fanOut = outShape[0];
        const name = `layers[${index}] (${spec.type})`;
        let weights: Float64Array, biases: Float64Array;
        if (layers) {
          const given = layers[parameterLayers.length];
          const expected = conv ? `${fanOut}×${C}×${kH}×${kW} (${C} input channel${C === 1 ? "" : "s"})` : `${fanOut}×${fanIn}`;
          if (!given) throw new RangeError(`invalid layers: ${name} has no parameters (got ${layers.length} parameter layers)`);
          if (given.fanIn !== fanIn || given.fanOut !== fanOut) {
            const got = conv && given.fanIn % (kH * kW) === 0 ? `${given.fanOut}×${given.fanIn / (kH * kW)}×${kH}×${kW}` : `${given.fanOut}×${given.fanIn}`;
            throw new RangeError(`invalid ${name}: ${conv ? "kernels" : "weights"} ${got}, expected ${expected}`);
          }
          if (given.weights.length !== fanIn * fanOut) throw new RangeError(`invalid ${name}: ${given.weights.length} weights, expected ${fanIn * fanOut} (${expected})`);
          if (given.biases.length !== fanOut) throw new RangeError(`invalid ${name}: ${given.biases.length} biases, expected ${fanOut}`);
          weights = given.weights;
          biases = given.biases;
        } else {
          // He / Xavier / LeCun see the receptive field: fan-in C·kH·kW, fan-out outChannels·kH·kW.
          const sample = init(fanIn, conv ? fanOut * kH * kW : fanOut, random!, {scale: normal.initScale});
          weights = new Float64Array(fanIn * fanOut);
          for (let k = 0; k < weights.length; k++) weights[k] = sample();
          biases = new Float64Array(fanOut).fill(normal.biasInit);
        }
        const param = parameterLayers.length;
        if (conv) {
          const {stride, padding} = spec;
          parameterLayers.push({type: "conv", index, fanIn, fanOut, weights, biases, inChannels: C, outChannels: fanOut, kernelHeight: kH, kernelWidth: kW, stride, padding, inShape, outShape});
          const Hp = H + 2 * padding,
            Wp = W + 2 * padding;
          const offsets = new Int32Array(fanIn);
          for (let c = 0, k = 0; c < C; c++) for (let i = 0; i < kH; i++) for (let j = 0; j < kW; j++, k++) offsets[k] = c * Hp * Wp + i * Wp + j;
          const padded = padding ? new Float64Array(C * Hp * Wp) : null;
          stages.push({
            ...base,
            param,
            activated: index < last,
            padded,
            paddedGradient: padded ? new Float64Array(padded.length) : null,
            offsets,
            values: new Float64Array(outShape[1] * outShape[2]),
            corners: new Int32Array(outShape[1] * outShape[2]),
            stride,
          });
        } else {
          parameterLayers.push({type: "dense", index, fanIn, fanOut, weights, biases, inShape, outShape});
          stages.push({...base, param, activated: index < last});
        }
      } else if (spec.type === "maxpool" || spec.type === "avgpool") {
        stages.push({...base, size: spec.size, stride: spec.stride, winners: spec.type === "maxpool" ? new Int32Array(size(outShape)) : null});
      } else {
        stages.push(base);
      }
    });
    if (layers && layers.length !== parameterLayers.length) throw new RangeError(`invalid layers: expected ${parameterLayers.length} parameter layers (conv and dense), got ${layers.length}`);
    this.layers = parameterLayers;
    this.stages = stages;
    this.depth = parameterLayers.length;
    const a: Float64Array[] = [new Float64Array(size(normal.input))];
    const g: Float64Array[] = [new Float64Array(0)];
    stages.forEach((stage, s) => {
      const flatten = stage.type === "flatten";
      a.push(flatten ? a[s] : new Float64Array(size(stage.outShape)));
      g.push(flatten ? g[s] : new Float64Array(size(stage.outShape)));
    });
    this.a = a;
    this.g = g;
    this.z = parameterLayers.map((p) => new Float64Array(size(p.outShape)));
    this.delta = parameterLayers.map((p) => new Float64Array(size(p.outShape)));
    this.sparse = {index: new Int32Array(a[0].length), value: new Float64Array(a[0].length), nnz: 0};
  }

  get inputSize(): number {
    return this.a[0].length;
  }

  get outputSize(): number {
    return this.z[this.depth - 1].length;
  }

  /** Total number of weights and biases. */
  get parameterCount(): number {
    return this.layers.reduce((n, {weights, biases}) => n + weights.length + biases.length, 0);
  }

  /**
   * Runs the forward pass and returns the output activations (a view of the workspace).
   * input: C × H × W values, row-major.
   * throws RangeError when input.length ≠ inputSize.
   */
  forward(input: ArrayLike<number>): Float64Array {
    if (input.length !== this.inputSize) throw new RangeError(`invalid input: length ${input.length}, expected ${this.inputSize} (${shapeText(this.config.input)})`);
    const x = this.a[0];
    for (let i = 0; i < x.length; i++) x[i] = input[i];
    return this.forwardWorkspace();
  }

  /** Forward pass from the sparse input in `this.sparse`: scattered into a[0], then as forwardWorkspace (same bits). */
  forwardSparse(): Float64Array {
    const x = this.a[0].fill(0);
    const {index, value, nnz} = this.sparse;
    for (let k = 0; k < nnz; k++) x[index[k]] = value[k];
    return this.forwardWorkspace();
  }

  /** Forward pass from a[0] as already written into the workspace. */
  forwardWorkspace(): Float64Array {
    const {stages, a, z, layers} = this;
    const f = this.activation.f;
    for (let s = 0; s < stages.length; s++) {
      const stage = stages[s];
      const input = a[s],
        out = a[s + 1];
      switch (stage.type) {
        case "conv": {
          const layer = layers[stage.param] as ConvLayer;
          const zl = z[stage.param];
          let x = input;
          const [C, H, W] = stage.inShape;
          const p = layer.padding;
          if (stage.padded) {
            x = stage.padded;
            pad(input, x, C, H, W, p);
          }
          const [O, oH, oW] = stage.outShape;
          convForward(layer.weights, layer.biases, x, zl, stage.offsets!, layer.fanIn, O, oH, oW, layer.stride, W + 2 * p);
          for (let k = 0; k < zl.length; k++) out[k] = f(zl[k]);
          break;
        }
        case "dense": {
          const {weights, biases, fanIn, fanOut} = layers[stage.param];
          const zl = z[stage.param];
          affine(weights, biases, input, zl, fanIn, fanOut);
          if (stage.activated) for (let k = 0; k < fanOut; k++) out[k] = f(zl[k]);
          else this.head.activate(zl, out, fanOut);
          break;
        }
        case "maxpool":
          maxPool(input, out, stage.winners!, stage.inShape, stage.outShape, stage.size, stage.stride);
          break;
        case "avgpool":
          avgPool(input, out, stage.inShape, stage.outShape, stage.size, stage.stride);
          break;
        case "flatten":
          break;
      }
    }
    return a[stages.length];
  }

  /** Loss of the last forward pass for the true class `label`. */
  loss(label: number): number {
    return this.head.loss(this.a[this.stages.length], label, this.outputSize);
  }

  /**
   * Backpropagates from the last forward pass and adds this sample's ∂L/∂W and ∂L/∂b into
   * `gradients` (shaped like `layers`; accumulating, so a minibatch sums its samples). Orders of
   * summation as in the module's docstring. `_sparseInput` is accepted for the Trainer's sake and
   * changes nothing (the first conv layer reads the dense input).
   */
  backward(label: number, gradients: LayerGradients[], _sparseInput = false): void {
    const {stages, a, z, delta, g, layers} = this;
    const df = this.activation.df;
    const S = stages.length;
    this.head.delta(a[S], label, delta[this.depth - 1], this.outputSize);
    for (let s = S - 1; s >= 0; s--) {
      const stage = stages[s];
      const below = s > 0; // the input of stage 0 gets no gradient
      switch (stage.type) {
        case "conv":
        case "dense": {
          const p = stage.param;
          const d = delta[p],
            zl = z[p];
          if (stage.activated) {
            const above = g[s + 1],
              out = a[s + 1];
            for (let k = 0; k < d.length; k++) d[k] = above[k] * df(zl[k], out[k]);
          }
          const grad = gradients[p];
          if (stage.type === "dense") {
            const {weights, fanIn, fanOut} = layers[p];
            outerAdd(grad.weights, grad.biases, d, a[s], fanIn, fanOut);
            if (below) transposeTimes(weights, d, g[s], fanIn, fanOut);
          } else {
            const layer = layers[p] as ConvLayer;
            const [C, H, W] = stage.inShape;
            const pd = layer.padding;
            const x = stage.padded ?? a[s];
            const [O, oH, oW] = stage.outShape;
            const Wp = W + 2 * pd;
            convWeightGradient(grad.weights, grad.biases, d, x, stage.offsets!, layer.fanIn, O, oH, oW, layer.stride, Wp, stage.values!, stage.corners!);
            if (below) {
              if (stage.paddedGradient) {
                convInputGradient(layer.weights, d, stage.paddedGradient, stage.offsets!, layer.fanIn, O, oH, oW, layer.stride, Wp);
                crop(stage.paddedGradient, g[s], C, H, W, pd);
              } else {
                convInputGradient(layer.weights, d, g[s], stage.offsets!, layer.fanIn, O, oH, oW, layer.stride, Wp);
              }
            }
          }
          break;
        }
        case "maxpool":
          if (below) maxPoolBackward(g[s + 1], g[s], stage.winners!);
          break;
        case "avgpool":
          if (below) avgPoolBackward(g[s + 1], g[s], stage.inShape, stage.outShape, stage.size, stage.stride);
          break;
        case "flatten":
          break;
      }
    }
  }

  /**
   * Backpropagation then one plain SGD update for this one sample, θ ← θ + k·(∂L/∂θ) (k = −η), through
   * a gradient buffer: bit for bit `backward` + the sgd optimiser at batch size 1. Returns false when
   * an updated parameter is not finite.
   */
  backwardSgd(label: number, step: {readonly k: number}, _sparseInput = false): boolean {
    const k = step.k;
    const scratch = (this.sgdScratch ??= this.layers.map(({weights, biases}) => ({weights: new Float64Array(weights.length), biases: new Float64Array(biases.length)})));
    for (const {weights, biases} of scratch) {
      weights.fill(0);
      biases.fill(0);
    }
    this.backward(label, scratch);
    let check = 0;
    for (let l = 0; l < this.layers.length; l++) {
      const {weights, biases} = this.layers[l],
        gw = scratch[l].weights,
        gb = scratch[l].biases;
      for (let i = 0; i < weights.length; i++) check += weights[i] += k * gw[i];
      for (let i = 0; i < biases.length; i++) check += biases[i] += k * gb[i];
    }
    return Number.isFinite(check);
  }

  /** The index of the largest output for `input` (ties: the lowest index). */
  predict(input: ArrayLike<number>): number {
    this.forward(input);
    return argmax(this.z[this.depth - 1]);
  }

  /**
   * The feature maps of every layer for one input, copied out for views: the input itself (index −1),
   * then one entry per config layer with its shape, z (conv and dense) and output a.
   * throws RangeError when input.length ≠ inputSize.
   */
  featureMaps(input: ArrayLike<number>): FeatureMap[] {
    this.forward(input);
    const maps: FeatureMap[] = [{index: -1, type: "input", shape: this.config.input, z: null, a: this.a[0].slice()}];
    this.stages.forEach((stage, s) => {
      maps.push({index: stage.index, type: stage.type, shape: stage.outShape, z: stage.param >= 0 ? this.z[stage.param].slice() : null, a: this.a[s + 1].slice()});
    });
    return maps;
  }

  /**
   * The exact sum behind pixel (channel, y, x) of conv layer config.layers[layer] for `input`: its
   * bias and every kernel weight × input of its receptive field, in summation order, the sum
   * recomputed from them (bit for bit the z the forward pass computed) and its activation.
   * throws RangeError when the layer is not a conv layer, the pixel lies outside its output map, or
   * the input does not fit.
   */
  pixelSum(input: ArrayLike<number>, layer: number, channel: number, y: number, x: number): PixelSum {
    const stage = this.stages[layer];
    if (!stage || stage.type !== "conv") throw new RangeError(`invalid layer: ${show(layer)} (expected the index of a conv layer in config.layers)`);
    const [O, oH, oW] = stage.outShape;
    const inRange = (v: number, n: number) => Number.isInteger(v) && v >= 0 && v < n;
    if (!inRange(channel, O) || !inRange(y, oH) || !inRange(x, oW))
      throw new RangeError(`invalid pixel: channel ${show(channel)}, y ${show(y)}, x ${show(x)} (layers[${layer}] (conv) has a ${O}×${oH}×${oW} output)`);
    this.forward(input);
    const conv = this.layers[stage.param] as ConvLayer;
    const {inChannels: C, kernelHeight: kH, kernelWidth: kW, stride, padding: p, weights, biases} = conv;
    const [, H, W] = stage.inShape;
    const map = this.a[layer];
    const terms: PixelTerm[] = [];
    let sum = 0;
    for (let c = 0, k = channel * conv.fanIn; c < C; c++) {
      for (let i = 0; i < kH; i++) {
        for (let j = 0; j < kW; j++, k++) {
          const yy = y * stride + i - p,
            xx = x * stride + j - p;
          const padded = yy < 0 || yy >= H || xx < 0 || xx >= W;
          const value = padded ? 0 : map[c * H * W + yy * W + xx];
          const product = weights[k] * value;
          sum += product;
          terms.push({c, i, j, y: yy, x: xx, padding: padded, weight: weights[k], input: value, product});
        }
      }
    }
    const z = biases[channel] + sum;
    return {layer, channel, y, x, bias: biases[channel], terms, z, a: this.activation.f(z), field: {y0: y * stride - p, x0: x * stride - p, y1: y * stride - p + kH - 1, x1: x * stride - p + kW - 1}};
  }

  /** A deep copy with its own weights and workspace. */
  clone(): ConvNetwork {
    return new ConvNetwork(
      this.config,
      this.layers.map(({fanIn, fanOut, weights, biases}) => ({fanIn, fanOut, weights: weights.slice(), biases: biases.slice()})),
    );
  }
}

/**
 * One kernel of a conv layer: the kH × kW weights w[o][c][·][·] (a view into layer.weights, row-major).
 * throws RangeError when o or c is not a channel of the layer.
 */
export function kernelOf(layer: ConvLayer, o: number, c: number): Float64Array {
  if (!(Number.isInteger(o) && o >= 0 && o < layer.outChannels)) throw new RangeError(`invalid output channel: ${show(o)} (expected 0 … ${layer.outChannels - 1})`);
  if (!(Number.isInteger(c) && c >= 0 && c < layer.inChannels)) throw new RangeError(`invalid input channel: ${show(c)} (expected 0 … ${layer.inChannels - 1})`);
  const n = layer.kernelHeight * layer.kernelWidth;
  const start = (o * layer.inChannels + c) * n;
  return layer.weights.subarray(start, start + n);
}

/** Copies a C × H × W map into the interior of its zero-padded C × (H + 2p) × (W + 2p) buffer (the borders are never written, so they stay 0). */
function pad(input: Float64Array, out: Float64Array, C: number, H: number, W: number, p: number): void {
  const Hp = H + 2 * p,
    Wp = W + 2 * p;
  for (let c = 0, i = 0; c < C; c++) {
    for (let y = 0; y < H; y++) {
      let o = c * Hp * Wp + (y + p) * Wp + p;
      for (let x = 0; x < W; x++) out[o++] = input[i++];
    }
  }
}

/** The interior of a padded gradient, written to the C × H × W gradient of the unpadded map. */
function crop(padded: Float64Array, out: Float64Array, C: number, H: number, W: number, p: number): void {
  const Hp = H + 2 * p,
    Wp = W + 2 * p;
  for (let c = 0, i = 0; c < C; c++) {
    for (let y = 0; y < H; y++) {
      let o = c * Hp * Wp + (y + p) * Wp + p;
      for (let x = 0; x < W; x++) out[i++] = padded[o++];
    }
  }
}

/**
 * z[o][y][x] = b[o] + Σ_k w[o][k]·x[corner(y, x) + offsets[k]] over the receptive field k = (c, i, j)
 * ascending, on an already padded input of row length Wp. Eight or four output channels at once
 * (independent sums, each input read once per block); each sum's order is the contract's.
 * Inputs equal to 0 are skipped (most MNIST pixels and silent ReLUs): exact zeros, no bit changes.
 */
export function convForward(
  W: Float64Array,
  b: Float64Array,
  x: Float64Array,
  z: Float64Array,
  offsets: Int32Array,
  fanIn: number,
  O: number,
  oH: number,
  oW: number,
  stride: number,
  Wp: number,
): void {
  const plane = oH * oW;
  const rowStep = stride * Wp;
  let o = 0;
  // Eight channels at once while they last, then four, then one: the same sums, fewer passes over the input.
  for (; o + 7 < O; o += 8) {
    const r0 = o * fanIn,
      r1 = r0 + fanIn,
      r2 = r1 + fanIn,
      r3 = r2 + fanIn,
      r4 = r3 + fanIn,
      r5 = r4 + fanIn,
      r6 = r5 + fanIn,
      r7 = r6 + fanIn;
    for (let y = 0, q = o * plane; y < oH; y++) {
      for (let xx = 0, corner = y * rowStep; xx < oW; xx++, q++, corner += stride) {
        let s0 = 0,
          s1 = 0,
          s2 = 0,
          s3 = 0,
          s4 = 0,
          s5 = 0,
          s6 = 0,
          s7 = 0;
        for (let k = 0; k < fanIn; k++) {
          const v = x[corner + offsets[k]];
          if (v === 0) continue;
          s0 += W[r0 + k] * v;
          s1 += W[r1 + k] * v;
          s2 += W[r2 + k] * v;
          s3 += W[r3 + k] * v;
          s4 += W[r4 + k] * v;
          s5 += W[r5 + k] * v;
          s6 += W[r6 + k] * v;
          s7 += W[r7 + k] * v;
        }
        z[q] = b[o] + s0;
        z[q + plane] = b[o + 1] + s1;
        z[q + 2 * plane] = b[o + 2] + s2;
        z[q + 3 * plane] = b[o + 3] + s3;
        z[q + 4 * plane] = b[o + 4] + s4;
        z[q + 5 * plane] = b[o + 5] + s5;
        z[q + 6 * plane] = b[o + 6] + s6;
        z[q + 7 * plane] = b[o + 7] + s7;
      }
    }
  }
  for (; o + 3 < O; o += 4) {
    const r0 = o * fanIn,
      r1 = r0 + fanIn,
      r2 = r1 + fanIn,
      r3 = r2 + fanIn;
    const b0 = b[o],
      b1 = b[o + 1],
      b2 = b[o + 2],
      b3 = b[o + 3];
    for (let y = 0, q = o * plane; y < oH; y++) {
      for (let xx = 0, corner = y * rowStep; xx < oW; xx++, q++, corner += stride) {
        let s0 = 0,
          s1 = 0,
          s2 = 0,
          s3 = 0;
        for (let k = 0; k < fanIn; k++) {
          const v = x[corner + offsets[k]];
          if (v === 0) continue;
          s0 += W[r0 + k] * v;
          s1 += W[r1 + k] * v;
          s2 += W[r2 + k] * v;
          s3 += W[r3 + k] * v;
        }
        z[q] = b0 + s0;
        z[q + plane] = b1 + s1;
        z[q + 2 * plane] = b2 + s2;
        z[q + 3 * plane] = b3 + s3;
      }
    }
  }
  for (; o < O; o++) {
    const r = o * fanIn,
      bo = b[o];
    for (let y = 0, q = o * plane; y < oH; y++) {
      for (let xx = 0, corner = y * rowStep; xx < oW; xx++, q++, corner += stride) {
        let s = 0;
        for (let k = 0; k < fanIn; k++) {
          const v = x[corner + offsets[k]];
          if (v !== 0) s += W[r + k] * v;
        }
        z[q] = bo + s;
      }
    }
  }
}

/**
 * gW[o][k] += δ[o][y][x]·x[corner + offsets[k]] and gb[o] += δ[o][y][x], positions row-major;
 * positions with δ = 0 add nothing to gW. Per output channel, the non-zero δ and their receptive
 * fields' corners are listed first (`values`, `corners`: scratch of oH·oW), then each weight's sum
 * runs over that list in a register, four weights at a time: each weight still adds its products
 * in position order, so the bits are those of adding them to gW one by one.
 */
export function convWeightGradient(
  gW: Float64Array,
  gb: Float64Array,
  d: Float64Array,
  x: Float64Array,
  offsets: Int32Array,
  fanIn: number,
  O: number,
  oH: number,
  oW: number,
  stride: number,
  Wp: number,
  values: Float64Array = new Float64Array(oH * oW),
  corners: Int32Array = new Int32Array(oH * oW),
): void {
  const rowStep = stride * Wp;
  for (let o = 0, q = 0; o < O; o++) {
    const r = o * fanIn;
    let bias = gb[o],
      m = 0;
    for (let y = 0; y < oH; y++) {
      for (let xx = 0, corner = y * rowStep; xx < oW; xx++, q++, corner += stride) {
        const dq = d[q];
        bias += dq;
        if (dq === 0) continue;
        values[m] = dq;
        corners[m++] = corner;
      }
    }
    gb[o] = bias;
    if (m === 0) continue;
    let k = 0;
    for (; k + 3 < fanIn; k += 4) {
      const f0 = offsets[k],
        f1 = offsets[k + 1],
        f2 = offsets[k + 2],
        f3 = offsets[k + 3];
      let s0 = gW[r + k],
        s1 = gW[r + k + 1],
        s2 = gW[r + k + 2],
        s3 = gW[r + k + 3];
      for (let n = 0; n < m; n++) {
        const dn = values[n],
          c = corners[n];
        s0 += dn * x[c + f0];
        s1 += dn * x[c + f1];
        s2 += dn * x[c + f2];
        s3 += dn * x[c + f3];
      }
      gW[r + k] = s0;
      gW[r + k + 1] = s1;
      gW[r + k + 2] = s2;
      gW[r + k + 3] = s3;
    }
    for (; k < fanIn; k++) {
      const f = offsets[k];
      let s = gW[r + k];
      for (let n = 0; n < m; n++) s += values[n] * x[corners[n] + f];
      gW[r + k] = s;
    }
  }
}

/** gx = Σ over outputs (o, y, x) row-major of w[o][k]·δ[o][y][x] into x[corner + offsets[k]]; gx is overwritten. */
export function convInputGradient(W: Float64Array, d: Float64Array, gx: Float64Array, offsets: Int32Array, fanIn: number, O: number, oH: number, oW: number, stride: number, Wp: number): void {
  gx.fill(0);
  const rowStep = stride * Wp;
  for (let o = 0, q = 0; o < O; o++) {
    const r = o * fanIn;
    for (let y = 0; y < oH; y++) {
      for (let xx = 0, corner = y * rowStep; xx < oW; xx++, q++, corner += stride) {
        const dq = d[q];
        if (dq === 0) continue;
        for (let k = 0; k < fanIn; k++) gx[corner + offsets[k]] += W[r + k] * dq;
      }
    }
  }
}

/** Max pooling; winners[q] = index in `input` of output q's maximum (the first in row-major order on a tie). */
export function maxPool(input: Float64Array, out: Float64Array, winners: Int32Array, [C, H, W]: Shape, [, oH, oW]: Shape, k: number, stride: number): void {
  for (let c = 0, q = 0; c < C; c++) {
    for (let y = 0; y < oH; y++) {
      for (let x = 0; x < oW; x++, q++) {
        const corner = c * H * W + y * stride * W + x * stride;
        let best = input[corner],
          at = corner;
        for (let i = 0; i < k; i++) {
          for (let j = 0, idx = corner + i * W; j < k; j++, idx++) {
            const v = input[idx];
            if (v > best) {
              best = v;
              at = idx;
            }
          }
        }
        out[q] = best;
        winners[q] = at;
      }
    }
  }
}

/** ∂L/∂input of max pooling: each output's gradient goes to its winner (added, for overlapping windows); the rest 0. */
export function maxPoolBackward(gOut: Float64Array, gIn: Float64Array, winners: Int32Array): void {
  gIn.fill(0);
  for (let q = 0; q < gOut.length; q++) gIn[winners[q]] += gOut[q];
}

/** Average pooling: (Σ over the window, row-major, from 0) / (k·k). */
export function avgPool(input: Float64Array, out: Float64Array, [C, H, W]: Shape, [, oH, oW]: Shape, k: number, stride: number): void {
  const n = k * k;
  for (let c = 0, q = 0; c < C; c++) {
    for (let y = 0; y < oH; y++) {
      for (let x = 0; x < oW; x++, q++) {
        const corner = c * H * W + y * stride * W + x * stride;
        let s = 0;
        for (let i = 0; i < k; i++) for (let j = 0, idx = corner + i * W; j < k; j++, idx++) s += input[idx];
        out[q] = s / n;
      }
    }
  }
}

/** ∂L/∂input of average pooling: every input of output q's window gets gOut[q]/(k·k), outputs in row-major order. */
export function avgPoolBackward(gOut: Float64Array, gIn: Float64Array, [C, H, W]: Shape, [, oH, oW]: Shape, k: number, stride: number): void {
  gIn.fill(0);
  const n = k * k;
  for (let c = 0, q = 0; c < C; c++) {
    for (let y = 0; y < oH; y++) {
      for (let x = 0; x < oW; x++, q++) {
        const corner = c * H * W + y * stride * W + x * stride;
        const share = gOut[q] / n;
        for (let i = 0; i < k; i++) for (let j = 0, idx = corner + i * W; j < k; j++, idx++) gIn[idx] += share;
      }
    }
  }
}

/** gW += d ⊗ x, gb += d (network.ts's dense gradient, the same loop). */
function outerAdd(gW: Float64Array, gb: Float64Array, d: Float64Array, x: Float64Array, fanIn: number, fanOut: number): void {
  for (let j = 0, row = 0; j < fanOut; j++, row += fanIn) {
    const dj = d[j];
    gb[j] += dj;
    if (dj === 0) continue;
    for (let i = 0; i < fanIn; i++) gW[row + i] += dj * x[i];
  }
}

/** below = Wᵀd for row-major W of fanOut × fanIn, row by row (network.ts's propagate before f′). */
function transposeTimes(W: Float64Array, d: Float64Array, below: Float64Array, fanIn: number, fanOut: number): void {
  below.fill(0);
  for (let j = 0, row = 0; j < fanOut; j++, row += fanIn) {
    const dj = d[j];
    if (dj === 0) continue;
    for (let i = 0; i < fanIn; i++) below[i] += W[row + i] * dj;
  }
}
