import type {SparseInput} from "./network.js";

/**
 * The one view of a data set the network module needs: a count, an input size, class labels,
 * and a way to write sample i's input vector into a buffer (so 8-bit pixels stay 8-bit in memory
 * and are scaled only when a sample is used).
 */
export interface Samples {
  readonly count: number;
  readonly inputSize: number;
  /** Class index of each sample, length count. */
  readonly labels: ArrayLike<number>;
  /** Writes sample i's input (length inputSize) into out. */
  input(i: number, out: Float64Array): void;
  /**
   * Optional fast path: writes sample i's non-zero inputs (indices ascending) into `into` and
   * sets into.nnz. Must describe exactly the vector `input` writes.
   */
  sparse?(i: number, into: SparseInput): void;
}

/**
 * Samples over 8-bit images stored back to back.
 * pixels: Uint8Array of count × inputSize, row-major (one image per row); labels: length count.
 * Inputs are pixel · scale (default 1/255, so ink is in [0, 1]).
 * throws RangeError when the lengths disagree.
 */
export function pixelSamples(pixels: Uint8Array, labels: ArrayLike<number>, inputSize: number, scale = 1 / 255): Samples {
  const count = labels.length;
  if (pixels.length !== count * inputSize) {
    throw new RangeError(`invalid pixels: length ${pixels.length}, expected ${count} × ${inputSize} = ${count * inputSize}`);
  }
  // Compressed rows of the non-zero pixels, built on first use: offsets (count + 1), column
  // indices and 8-bit values. MNIST averages about 150 inked pixels of 784.
  let offsets: Uint32Array | null = null,
    columns: Uint16Array | Uint32Array,
    values: Uint8Array;
  const compress = () => {
    let nnz = 0;
    for (let k = 0; k < pixels.length; k++) if (pixels[k] !== 0) nnz++;
    offsets = new Uint32Array(count + 1);
    columns = inputSize <= 65536 ? new Uint16Array(nnz) : new Uint32Array(nnz);
    values = new Uint8Array(nnz);
    for (let i = 0, n = 0; i < count; i++) {
      offsets[i] = n;
      for (let j = 0, o = i * inputSize; j < inputSize; j++) {
        const v = pixels[o + j];
        if (v !== 0) {
          columns[n] = j;
          values[n++] = v;
        }
      }
    }
    offsets[count] = nnz;
    return offsets;
  };
  return {
    count,
    inputSize,
    labels,
    input(i, out) {
      for (let j = 0, o = i * inputSize; j < inputSize; j++) out[j] = pixels[o + j] * scale;
    },
    sparse(i, into) {
      const rows = offsets ?? compress();
      const {index, value} = into;
      const start = rows[i],
        nnz = rows[i + 1] - start;
      for (let k = 0; k < nnz; k++) {
        index[k] = columns[start + k];
        value[k] = values[start + k] * scale;
      }
      into.nnz = nnz;
    },
  };
}

/**
 * Samples from plain arrays (small lessons and tests).
 * throws RangeError when inputs are ragged or the labels' length differs.
 */
export function arraySamples(inputs: ArrayLike<number>[], labels: ArrayLike<number>): Samples {
  if (inputs.length !== labels.length) throw new RangeError(`invalid samples: ${inputs.length} inputs but ${labels.length} labels`);
  const inputSize = inputs.length ? inputs[0].length : 0;
  inputs.forEach((x, i) => {
    if (x.length !== inputSize) throw new RangeError(`invalid input ${i}: length ${x.length}, expected ${inputSize}`);
  });
  return {
    count: inputs.length,
    inputSize,
    labels,
    input(i, out) {
      const x = inputs[i];
      for (let j = 0; j < inputSize; j++) out[j] = x[j];
    },
  };
}
