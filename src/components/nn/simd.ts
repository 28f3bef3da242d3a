/**
 * The WebAssembly SIMD path of batched inference's first layer (kernel.as.ts, built by
 * `npm run build:wasm`). It is an accelerator, never the reference: it computes the same sums in
 * the same order as `sparseAffine`, so its logits are the same bits (a test holds it to that),
 * and where WebAssembly SIMD is missing, or a browser refuses to compile on its main thread,
 * `firstLayerKernel` returns null and callers use the TypeScript kernel.
 */
import {KERNEL_WASM_BASE64} from "./simd/kernel-bytes.js";
import type {Layer, SparseInput} from "./network.js";

interface Exports {
  memory: WebAssembly.Memory;
  sparseAffineT(wt: number, b: number, index: number, value: number, nnz: number, z: number, fanOut: number): void;
  firstLayerF32(wt: number, b: number, input: number, count: number, z: number, fanIn: number, fanOut: number, index: number, value: number): void;
  gradFirst(g: number, fanIn: number, fanOut: number, d: number, B: number, index: number, value: number, offsets: number, columns: number, count: number, start: number, lb: number, lx: number): void;
  transposeP(w: number, wt: number, fanIn: number, fanOut: number): void;
  sparseAffineP(wt: number, b: number, index: number, value: number, nnz: number, z: number, P: number): void;
  affineP(wt: number, b: number, x: number, n: number, z: number, P: number): void;
  transposedProductP(w: number, d: number, fanIn: number, fanOut: number, below: number, rows: number): void;
  gradDense(g: number, F: number, fanOut: number, a: number, d: number, B: number, list: number): void;
  predictF32(net: number, depth: number, act: number, input: number, count: number, out: number, index: number, value: number, za: number, aa: number): void;
}

/** Inputs per call of the batched f32 kernel (its input and output buffers are sized for this). */
export const CHUNK = 256;

let compiled: WebAssembly.Module | null | undefined;

/** to[at …] = from[0 … n) without allocating (set(subarray(…)) would make a view on every call). */
function copy(from: Float64Array | Int32Array, to: Float64Array | Int32Array, at: number, n: number): void {
  if (from.length === n) to.set(from, at);
  else for (let k = 0; k < n; k++) to[at + k] = from[k];
}

/** A fresh instance of the kernel module, or null where this engine cannot compile or run it. */
function instance(): Exports | null {
  const wasm = module();
  if (!wasm) return null;
  try {
    return new WebAssembly.Instance(wasm, {}).exports as unknown as Exports;
  } catch {
    return null;
  }
}

function module(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    const binary = atob(KERNEL_WASM_BASE64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    compiled = new WebAssembly.Module(bytes);
  } catch {
    compiled = null;
  }
  return compiled;
}

/** A first layer copied into WebAssembly memory, transposed (fanIn × fanOut) for the kernel. */
export interface FirstLayerKernel {
  /** Write the non-zero inputs here (index ascending), then call run(nnz). */
  readonly index: Int32Array;
  readonly value: Float64Array;
  /** z⁽¹⁾ after run(). */
  readonly z: Float64Array;
  run(nnz: number): void;
  /**
   * z⁽¹⁾ of up to CHUNK f32 inputs, inputs[start·fanIn …] back to back: returns a view of
   * count × fanOut values, valid until the next call.
   */
  runF32(inputs: Float32Array, start: number, count: number): Float64Array;
}

/**
 * A kernel for a first layer of fanIn × fanOut, or null when this JavaScript engine cannot run
 * it. Call `load(layer)` before use and again whenever the layer's weights may have changed.
 */
export function firstLayerKernel(fanIn: number, fanOut: number): (FirstLayerKernel & {load(layer: Layer): void}) | null {
  const wasm = module();
  if (!wasm) return null;
  let exports: Exports;
  try {
    exports = new WebAssembly.Instance(wasm, {}).exports as unknown as Exports;
  } catch {
    return null;
  }
  // Layout: [wt: fanIn·fanOut f64][b: fanOut f64][z: fanOut f64][value: fanIn f64][index: fanIn i32]
  //         [chunk of inputs: CHUNK·fanIn f32][their z⁽¹⁾: CHUNK·fanOut f64], 16-byte aligned.
  const align = (n: number) => (n + 15) & ~15;
  const wt = 0,
    b = wt + 8 * fanIn * fanOut,
    z = b + 8 * fanOut,
    value = z + 8 * fanOut,
    index = value + 8 * fanIn;
  const chunkIn = align(index + 4 * fanIn),
    chunkOut = align(chunkIn + 4 * CHUNK * fanIn);
  const bytes = chunkOut + 8 * CHUNK * fanOut;
  const {memory} = exports;
  const pages = Math.ceil((bytes - memory.buffer.byteLength) / 65536);
  if (pages > 0) memory.grow(pages);
  const buffer = memory.buffer;
  const {sparseAffineT, firstLayerF32} = exports;
  const transposed = new Float64Array(buffer, wt, fanIn * fanOut),
    bias = new Float64Array(buffer, b, fanOut);
  const inputs = new Float32Array(buffer, chunkIn, CHUNK * fanIn),
    outputs = new Float64Array(buffer, chunkOut, CHUNK * fanOut);
  return {
    index: new Int32Array(buffer, index, fanIn),
    value: new Float64Array(buffer, value, fanIn),
    z: new Float64Array(buffer, z, fanOut),
    load(layer) {
      if (layer.fanIn !== fanIn || layer.fanOut !== fanOut) throw new RangeError(`invalid layer: ${layer.fanOut}×${layer.fanIn}, this kernel is ${fanOut}×${fanIn}`);
      const w = layer.weights;
      for (let j = 0; j < fanOut; j++) for (let i = 0; i < fanIn; i++) transposed[i * fanOut + j] = w[j * fanIn + i];
      bias.set(layer.biases);
    },
    run: (nnz) => sparseAffineT(wt, b, index, value, nnz, z, fanOut),
    runF32(source, start, count) {
      if (count > CHUNK) throw new RangeError(`invalid count: ${count} (at most ${CHUNK} per call)`);
      inputs.set(source.subarray(start * fanIn, (start + count) * fanIn));
      firstLayerF32(wt, b, chunkIn, count, chunkOut, fanIn, fanOut, index, value);
      return outputs.subarray(0, count * fanOut);
    },
  };
}

/** The hidden activations the whole-network kernel computes itself (kernel.as.ts's activateP codes). */
const ACTIVATION_CODES: Record<string, number> = {relu: 0, "leaky-relu": 1, identity: 2};

/** Every layer of a fully-connected network copied into WebAssembly memory, for batched inference. */
export interface NetworkKernel {
  /** Copies the layers' current weights in (transposed, padded); call before use whenever they may have changed. */
  load(layers: readonly Layer[]): void;
  /**
   * Classes of up to CHUNK f32 inputs, inputs[start·inputSize …] back to back: a view of count
   * values, valid until the next call. The same classes as Network.predict, bit for bit the same logits.
   */
  predictF32(inputs: Float32Array, start: number, count: number): Int32Array;
  /** The logits of the last input predictF32 classified (a view, output size long): for tests. */
  readonly logits: Float64Array;
}

/**
 * A whole-network kernel for layer sizes `sizes` (input first) and hidden activation `activation`,
 * or null when the engine cannot run it or the activation is one the kernel does not compute
 * (sigmoid and tanh need math.ts's exp and tanh: their callers keep the TypeScript path above the
 * first layer).
 */
export function networkKernel(sizes: readonly number[], activation: string): NetworkKernel | null {
  const act = ACTIVATION_CODES[activation];
  if (act === undefined || sizes.length < 2) return null;
  const exports = instance();
  if (!exports) return null;
  const depth = sizes.length - 1;
  const pad = (n: number) => (n + 1) & ~1;
  const align = (n: number) => (n + 15) & ~15;
  // Layout: [table: depth × 4 i32][per layer: wt fanIn × P f64, b P f64][index: n0 i32][value: n0 f64]
  //         [za, aa: widest P f64 each][chunk of inputs: CHUNK × n0 f32][classes: CHUNK i32], 16-byte aligned.
  let at = align(16 * depth);
  const table = 0;
  const offsets = sizes.slice(1).map((fanOut, l) => {
    const P = pad(fanOut);
    const wt = at;
    at = align(at + 8 * sizes[l] * P);
    const b = at;
    at = align(at + 8 * P);
    return {wt, b, P};
  });
  const n0 = sizes[0],
    widest = Math.max(...sizes.slice(1).map(pad));
  const index = at,
    value = align(index + 4 * n0),
    za = align(value + 8 * n0),
    aa = align(za + 8 * widest),
    chunkIn = align(aa + 8 * widest),
    classes = align(chunkIn + 4 * CHUNK * n0);
  const bytes = classes + 4 * CHUNK;
  const {memory} = exports;
  const pages = Math.ceil((bytes - memory.buffer.byteLength) / 65536);
  try {
    if (pages > 0) memory.grow(pages);
  } catch {
    return null;
  }
  const buffer = memory.buffer;
  const header = new Int32Array(buffer, table, 4 * depth);
  const weights = offsets.map(({wt, b, P}, l) => ({wt: new Float64Array(buffer, wt, sizes[l] * P), b: new Float64Array(buffer, b, P), P}));
  offsets.forEach(({wt, b}, l) => header.set([sizes[l], sizes[l + 1], wt, b], 4 * l));
  const inputs = new Float32Array(buffer, chunkIn, CHUNK * n0),
    out = new Int32Array(buffer, classes, CHUNK);
  return {
    logits: new Float64Array(buffer, za, sizes[depth]),
    load(layers) {
      if (layers.length !== depth) throw new RangeError(`invalid layers: ${layers.length}, this kernel has ${depth}`);
      layers.forEach((layer, l) => {
        const {fanIn, fanOut} = layer;
        if (fanIn !== sizes[l] || fanOut !== sizes[l + 1]) throw new RangeError(`invalid layer ${l + 1}: ${fanOut}×${fanIn}, this kernel's is ${sizes[l + 1]}×${sizes[l]}`);
        const {wt, b, P} = weights[l];
        const w = layer.weights;
        for (let j = 0; j < fanOut; j++) for (let i = 0, r = j * fanIn; i < fanIn; i++) wt[i * P + j] = w[r + i];
        b.set(layer.biases);
      });
    },
    predictF32(source, start, count) {
      if (count > CHUNK) throw new RangeError(`invalid count: ${count} (at most ${CHUNK} per call)`);
      inputs.set(source.subarray(start * n0, (start + count) * n0));
      exports.predictF32(table, depth, act, chunkIn, count, classes, index, value, za, aa);
      return out.subarray(0, count);
    },
  };
}

/**
 * A minibatch's first layer for sparse inputs, in WebAssembly SIMD: its forward passes (`load` the
 * layer once per minibatch, then `forward` each sample: z⁽¹⁾ = W⁽¹⁾x + b⁽¹⁾ summed as
 * `sparseAffine` sums it) and its weight gradient (`delta` records each sample's δ⁽¹⁾, then
 * `accumulate` adds every δ_j·x_i onto `weights` in the order the per-sample loop adds them). The
 * gradient buffer `weights` (fanOut × fanIn, row-major) lives in WebAssembly memory: the trainer
 * uses it as its first-layer gradient. Same bits as the TypeScript kernels (kernel.as.ts:
 * sparseAffineP, gradFirst).
 */
export interface FirstLayerTraining {
  /** The gradient buffer ∂L/∂W⁽¹⁾ (fanOut × fanIn, row-major), zero at first. */
  readonly weights: Float64Array;
  /** Copies the layer's weights (transposed) and biases in, for the forward passes of this minibatch. */
  load(layer: Layer): void;
  /** Records `input` as the minibatch's next sample and writes its z⁽¹⁾ (fanOut values) into z. */
  forward(input: SparseInput, z: Float64Array): void;
  /** δ⁽¹⁾ (fanOut entries) of the sample `forward` recorded last. */
  delta(delta: Float64Array): void;
  /** `forward` without computing z, then `delta`: records one sample (for tests). */
  add(input: SparseInput, delta: Float64Array): void;
  /** Adds the recorded samples' products onto `weights` in the listed columns (every input some sample had non-zero), then forgets the samples. */
  accumulate(columns: Int32Array, count: number): void;
}

/** A first-layer kernel for minibatches of up to maxBatch samples, or null where WebAssembly SIMD is missing. */
export function firstLayerTraining(fanIn: number, fanOut: number, maxBatch: number): FirstLayerTraining | null {
  const exports = instance();
  if (!exports) return null;
  const P = (fanOut + 1) & ~1;
  const align = (n: number) => (n + 15) & ~15;
  const entries = maxBatch * fanIn;
  // Layout: [g: fanOut·fanIn f64][w: fanOut·fanIn f64][wt: fanIn·P f64][b, z: P f64][d: maxBatch·P f64]
  //         [value, lx: entries f64][index, lb: entries i32][offsets: maxBatch + 1 i32][columns, start: fanIn i32]
  const g = 0,
    w = align(g + 8 * fanOut * fanIn),
    wt = align(w + 8 * fanOut * fanIn),
    b = align(wt + 8 * fanIn * P),
    z = align(b + 8 * P),
    d = align(z + 8 * P),
    value = align(d + 8 * maxBatch * P),
    lx = align(value + 8 * entries),
    index = align(lx + 8 * entries),
    lb = align(index + 4 * entries),
    offsets = align(lb + 4 * entries),
    columns = align(offsets + 4 * (maxBatch + 1)),
    start = align(columns + 4 * fanIn);
  const bytes = start + 4 * fanIn;
  const {memory} = exports;
  try {
    const pages = Math.ceil((bytes - memory.buffer.byteLength) / 65536);
    if (pages > 0) memory.grow(pages);
  } catch {
    return null;
  }
  const buffer = memory.buffer;
  const rowMajor = new Float64Array(buffer, w, fanOut * fanIn),
    bias = new Float64Array(buffer, b, P),
    zs = new Float64Array(buffer, z, fanOut),
    deltas = new Float64Array(buffer, d, maxBatch * P),
    values = new Float64Array(buffer, value, entries),
    indices = new Int32Array(buffer, index, entries),
    offsetsView = new Int32Array(buffer, offsets, maxBatch + 1),
    columnsView = new Int32Array(buffer, columns, fanIn);
  /** Samples recorded; `open` is true between `forward` and `delta`. */
  let count = 0,
    open = false;
  const record = ({index: from, value: values64, nnz}: SparseInput): number => {
    if (open || count >= maxBatch) throw new RangeError(open ? "invalid call: forward twice without delta" : `invalid minibatch: more than ${maxBatch} samples`);
    const at = offsetsView[count];
    // Loops, not set(subarray(…)): a subarray is an allocation, and the training path makes none.
    for (let k = 0; k < nnz; k++) {
      indices[at + k] = from[k];
      values[at + k] = values64[k];
    }
    offsetsView[count + 1] = at + nnz;
    open = true;
    return at;
  };
  const self: FirstLayerTraining = {
    weights: new Float64Array(buffer, g, fanOut * fanIn),
    load(layer) {
      if (layer.fanIn !== fanIn || layer.fanOut !== fanOut) throw new RangeError(`invalid layer: ${layer.fanOut}×${layer.fanIn}, this kernel is ${fanOut}×${fanIn}`);
      rowMajor.set(layer.weights);
      exports.transposeP(w, wt, fanIn, fanOut);
      bias.set(layer.biases);
    },
    forward(input, out) {
      const at = record(input);
      exports.sparseAffineP(wt, b, index + 4 * at, value + 8 * at, input.nnz, z, P);
      out.set(zs);
    },
    delta(delta) {
      if (!open) throw new RangeError("invalid call: delta without forward");
      copy(delta, deltas, count * P, fanOut);
      count++;
      open = false;
    },
    add(input, delta) {
      record(input);
      self.delta(delta);
    },
    accumulate(list, n) {
      copy(list, columnsView, 0, n);
      exports.gradFirst(g, fanIn, fanOut, d, count, index, value, offsets, columns, n, start, lb, lx);
      count = 0;
      open = false;
    },
  };
  return self;
}

/**
 * A hidden layer's minibatch in WebAssembly SIMD (a weight layer above the first, fanIn even): its
 * forward passes z = Wa + b (`forward`, summed as `affine` sums), its backpropagated Wᵀδ
 * (`backward`, as `transposedProduct`) and its weight gradient (`accumulate`: every δ_j·a_i added
 * onto `weights` in the per-sample loop's order). Same bits as the TypeScript kernels (kernel.as.ts:
 * affineP, transposedProductP, gradDense). `weights` lives in WebAssembly memory; the trainer uses
 * it as the layer's gradient buffer.
 */
export interface HiddenLayerTraining {
  /** The gradient buffer ∂L/∂W (fanOut × fanIn, row-major), zero at first. */
  readonly weights: Float64Array;
  /** Copies the layer's weights and biases in, for this minibatch. */
  load(layer: Layer): void;
  /** Records `input` (fanIn activations of the layer below) as the next sample's and writes z (fanOut values). */
  forward(input: Float64Array, z: Float64Array): void;
  /** Records δ (fanOut entries) of the sample `forward` recorded last and writes Wᵀδ (fanIn values) into below. */
  backward(delta: Float64Array, below: Float64Array): void;
  /** Adds the recorded samples' products onto `weights`, then forgets the samples. */
  accumulate(): void;
}

/** A hidden-layer kernel (fanIn even) for minibatches of up to maxBatch samples, or null where WebAssembly SIMD is missing or fanIn is odd. */
export function hiddenLayerTraining(fanIn: number, fanOut: number, maxBatch: number): HiddenLayerTraining | null {
  if (fanIn % 2 !== 0) return null;
  const exports = instance();
  if (!exports) return null;
  const P = (fanOut + 1) & ~1;
  const align = (n: number) => (n + 15) & ~15;
  // Layout: [g, w: fanOut·fanIn f64][wt: fanIn·P f64][b, z: P f64][below: fanIn f64][a: maxBatch·fanIn f64][d: maxBatch·P f64][rows: P i32][list: maxBatch i32]
  const g = 0,
    w = align(g + 8 * fanOut * fanIn),
    wt = align(w + 8 * fanOut * fanIn),
    b = align(wt + 8 * fanIn * P),
    z = align(b + 8 * P),
    below = align(z + 8 * P),
    a = align(below + 8 * fanIn),
    d = align(a + 8 * maxBatch * fanIn),
    rows = align(d + 8 * maxBatch * P),
    list = align(rows + 4 * P);
  const bytes = list + 4 * maxBatch;
  const {memory} = exports;
  try {
    const pages = Math.ceil((bytes - memory.buffer.byteLength) / 65536);
    if (pages > 0) memory.grow(pages);
  } catch {
    return null;
  }
  const buffer = memory.buffer;
  const rowMajor = new Float64Array(buffer, w, fanOut * fanIn),
    bias = new Float64Array(buffer, b, P),
    zs = new Float64Array(buffer, z, fanOut),
    belowView = new Float64Array(buffer, below, fanIn),
    inputs = new Float64Array(buffer, a, maxBatch * fanIn),
    deltas = new Float64Array(buffer, d, maxBatch * P);
  let count = 0,
    open = false;
  return {
    weights: new Float64Array(buffer, g, fanOut * fanIn),
    load(layer) {
      if (layer.fanIn !== fanIn || layer.fanOut !== fanOut) throw new RangeError(`invalid layer: ${layer.fanOut}×${layer.fanIn}, this kernel is ${fanOut}×${fanIn}`);
      rowMajor.set(layer.weights);
      exports.transposeP(w, wt, fanIn, fanOut);
      bias.set(layer.biases);
    },
    forward(input, out) {
      if (open || count >= maxBatch) throw new RangeError(open ? "invalid call: forward twice without backward" : `invalid minibatch: more than ${maxBatch} samples`);
      copy(input, inputs, count * fanIn, fanIn);
      exports.affineP(wt, b, a + 8 * count * fanIn, fanIn, z, P);
      out.set(zs);
      open = true;
    },
    backward(delta, out) {
      if (!open) throw new RangeError("invalid call: backward without forward");
      const at = d + 8 * count * P;
      copy(delta, deltas, count * P, fanOut);
      exports.transposedProductP(w, at, fanIn, fanOut, below, rows);
      out.set(belowView);
      count++;
      open = false;
    },
    accumulate() {
      exports.gradDense(g, fanIn, fanOut, a, d, count, list);
      count = 0;
      open = false;
    },
  };
}
