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
}

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
}

/**
 * The first layer's weights and biases as they are now, ready for the SIMD kernel, or null when
 * this JavaScript engine cannot run it. Later changes to the layer are not seen: build a new one.
 */
export function firstLayerKernel({weights, biases, fanIn, fanOut}: Layer): FirstLayerKernel | null {
  const wasm = module();
  if (!wasm) return null;
  let exports: Exports;
  try {
    exports = new WebAssembly.Instance(wasm, {}).exports as unknown as Exports;
  } catch {
    return null;
  }
  // Layout: [wt: fanIn·fanOut f64][b: fanOut f64][z: fanOut f64][value: fanIn f64][index: fanIn i32]
  const wt = 0, b = wt + 8 * fanIn * fanOut, z = b + 8 * fanOut, value = z + 8 * fanOut, index = value + 8 * fanIn;
  const bytes = index + 4 * fanIn;
  const {memory} = exports;
  const pages = Math.ceil((bytes - memory.buffer.byteLength) / 65536);
  if (pages > 0) memory.grow(pages);
  const buffer = memory.buffer;
  const t = new Float64Array(buffer, wt, fanIn * fanOut);
  for (let j = 0; j < fanOut; j++) for (let i = 0; i < fanIn; i++) t[i * fanOut + j] = weights[j * fanIn + i];
  new Float64Array(buffer, b, fanOut).set(biases);
  const kernel = exports.sparseAffineT;
  return {
    index: new Int32Array(buffer, index, fanIn),
    value: new Float64Array(buffer, value, fanIn),
    z: new Float64Array(buffer, z, fanOut),
    run: (nnz) => kernel(wt, b, index, value, nnz, z, fanOut),
  };
}
