/**
 * The WebAssembly SIMD path of batched inference's first layer (kernel.as.ts, built by
 * `npm run build:wasm`). It is an accelerator, never the reference: it computes the same sums in
 * the same order as `sparseAffine`, so its logits are the same bits (a test holds it to that),
 * and where WebAssembly SIMD is missing, or a browser refuses to compile on its main thread,
 * `firstLayerKernel` returns null and callers use the TypeScript kernel.
 */
import {KERNEL_WASM_BASE64} from "./simd/kernel-bytes.js";
import type {Layer} from "./network.js";

interface Exports {
  memory: WebAssembly.Memory;
  sparseAffineT(wt: number, b: number, index: number, value: number, nnz: number, z: number, fanOut: number): void;
  firstLayerF32(wt: number, b: number, input: number, count: number, z: number, fanIn: number, fanOut: number, index: number, value: number): void;
}

/** Inputs per call of the batched f32 kernel (its input and output buffers are sized for this). */
export const CHUNK = 256;

let compiled: WebAssembly.Module | null | undefined;

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
