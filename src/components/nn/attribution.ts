/**
 * Why a network gave its answer for one input: three attributions over the input pixels.
 *
 * - saliency (the input gradient) g_i = ∂z_c/∂x_i: how much the logit of class c would rise per
 *   unit of ink added at pixel i (`Network.inputGradient`);
 * - gradient × input g_i·x_i: the first-order share of pixel i in z_c, zero where there is no ink;
 * - occlusion: the drop a_c(x) − a_c(x with one patch blanked) of class c's output (its softmax
 *   probability) when one patch × patch square of pixels is set to `fill` (0, no ink). Positive
 *   where the patch argued for c, negative where it argued against.
 *
 * All three are computed from the network's own passes; none changes the weights.
 *
 *   const g = network.inputGradient(x, 7);          // Float64Array(784)
 *   const gx = gradientTimesInput(g, x);             // Float64Array(784)
 *   const occ = occlusion(network, x);               // 7 × 7 patches of 4 × 4, all 10 classes
 *   const map = occlusionMap(occ, 7);                // Float64Array(784): each pixel its patch's drop
 */
import type {Network} from "./network.js";

/** g ⊙ x: Float64Array of g.length (`out` when given). throws RangeError on a length mismatch. */
export function gradientTimesInput(gradient: ArrayLike<number>, input: ArrayLike<number>, out: Float64Array = new Float64Array(gradient.length)): Float64Array {
  if (input.length !== gradient.length || out.length !== gradient.length) throw new RangeError(`invalid lengths: gradient ${gradient.length}, input ${input.length}, out ${out.length}`);
  for (let i = 0; i < gradient.length; i++) out[i] = gradient[i] * input[i];
  return out;
}

export interface OcclusionOptions {
  /** Image width in pixels (default √inputSize: a square image). */
  width?: number;
  /** Patch side in pixels (default 4); edge patches are cut to the image. */
  patch?: number;
  /** The value a blanked pixel takes (default 0: no ink). */
  fill?: number;
}

export interface Occlusion {
  /** Image width and height in pixels (row-major input: pixel (r, col) is input[r·width + col]). */
  width: number;
  height: number;
  /** Patch side, and the patch grid: rows × cols patches, patch k = pr·cols + pc covers rows pr·patch … and columns pc·patch …. */
  patch: number;
  rows: number;
  cols: number;
  /** The outputs a(x) of the whole input: Float64Array of outputSize. */
  base: Float64Array;
  /** drop[c·rows·cols + k] = a_c(x) − a_c(x with patch k blanked): Float64Array of outputSize × rows·cols. */
  drop: Float64Array;
}

/**
 * Occlusion of every patch, for every class at once: rows·cols + 1 forward passes (49 + 1 for a
 * 28 × 28 image with 4 × 4 patches). A patch whose pixels all equal `fill` already drops nothing
 * and is not run. The forward workspace holds the last pass afterwards.
 * throws RangeError when the input does not fit the network, the width does not divide the input
 * into whole rows, or the patch is not an integer ≥ 1.
 */
export function occlusion(network: Network, input: ArrayLike<number>, {width = Math.round(Math.sqrt(network.inputSize)), patch = 4, fill = 0}: OcclusionOptions = {}): Occlusion {
  const n = network.inputSize;
  if (input.length !== n) throw new RangeError(`invalid input: length ${input.length}, expected ${n}`);
  if (!(Number.isInteger(width) && width >= 1 && n % width === 0)) throw new RangeError(`invalid width: ${width} (expected an integer ≥ 1 dividing ${n})`);
  if (!(Number.isInteger(patch) && patch >= 1)) throw new RangeError(`invalid patch: ${patch} (expected an integer ≥ 1)`);
  const height = n / width;
  const rows = Math.ceil(height / patch),
    cols = Math.ceil(width / patch),
    count = rows * cols,
    classes = network.outputSize;
  const base = network.forward(input).slice();
  const drop = new Float64Array(classes * count);
  const x = Float64Array.from(input);
  for (let pr = 0; pr < rows; pr++) {
    for (let pc = 0; pc < cols; pc++) {
      const k = pr * cols + pc;
      const r1 = Math.min(height, (pr + 1) * patch),
        c1 = Math.min(width, (pc + 1) * patch);
      let changed = false;
      for (let r = pr * patch; r < r1; r++)
        for (let col = pc * patch; col < c1; col++) {
          const i = r * width + col;
          if (x[i] !== fill) changed = true;
          x[i] = fill;
        }
      if (changed) {
        const out = network.forward(x);
        for (let c = 0; c < classes; c++) drop[c * count + k] = base[c] - out[c];
      }
      for (let r = pr * patch; r < r1; r++) for (let col = pc * patch; col < c1; col++) x[r * width + col] = input[r * width + col];
    }
  }
  return {width, height, patch, rows, cols, base, drop};
}

/** Class c's occlusion drop spread over the pixels: Float64Array of width × height, each pixel its patch's drop. */
export function occlusionMap(o: Occlusion, c: number, out: Float64Array = new Float64Array(o.width * o.height)): Float64Array {
  const count = o.rows * o.cols;
  if (!(Number.isInteger(c) && c >= 0 && c * count < o.drop.length)) throw new RangeError(`invalid class: ${c}`);
  for (let r = 0; r < o.height; r++) for (let col = 0; col < o.width; col++) out[r * o.width + col] = o.drop[c * count + Math.floor(r / o.patch) * o.cols + Math.floor(col / o.patch)];
  return out;
}
