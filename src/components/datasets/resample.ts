/**
 * Area-averaging resampler for square greyscale images: each output pixel is the mean of the input
 * area it covers, with partial pixels weighted by their overlap. Used to shrink MNIST's 28×28
 * digits to 16×16 and a draw pad's high-resolution ink to a network's input grid.
 *
 * Ink is preserved: sum(output) · (inSize / outSize)² = sum(input), up to floating-point rounding.
 */

/** Overlap weights: w[i][k] is the share of output cell i covered by input pixel (start + k). */
function weights(inSize: number, outSize: number): {start: Int32Array; w: Float64Array[]} {
  const scale = inSize / outSize;
  const start = new Int32Array(outSize);
  const w: Float64Array[] = [];
  for (let i = 0; i < outSize; i++) {
    const lo = i * scale,
      hi = (i + 1) * scale;
    const first = Math.floor(lo),
      last = Math.min(inSize - 1, Math.ceil(hi) - 1);
    start[i] = first;
    const row = new Float64Array(last - first + 1);
    for (let p = first; p <= last; p++) row[p - first] = (Math.min(hi, p + 1) - Math.max(lo, p)) / scale;
    w.push(row);
  }
  return {start, w};
}

/**
 * image: n-element array of inSize × inSize, row-major; returns Float64Array of outSize × outSize,
 * row-major. throws RangeError when image.length ≠ inSize² or a size is not an integer ≥ 1, or
 * when outSize > inSize (this is a downsampler).
 */
export function areaAverage(image: ArrayLike<number>, inSize: number, outSize: number): Float64Array {
  for (const [name, n] of [
    ["inSize", inSize],
    ["outSize", outSize],
  ] as const) {
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`invalid ${name}: ${n} (expected an integer ≥ 1)`);
  }
  if (outSize > inSize) throw new RangeError(`invalid outSize: ${outSize} (expected ≤ inSize ${inSize}; this only shrinks)`);
  if (image.length !== inSize * inSize) throw new RangeError(`invalid image: ${image.length} values, expected ${inSize}×${inSize} = ${inSize * inSize}`);
  const {start, w} = weights(inSize, outSize);
  // Rows first (outSize × inSize), then columns.
  const rows = new Float64Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const wi = w[i],
      s = start[i];
    for (let c = 0; c < inSize; c++) {
      let sum = 0;
      for (let k = 0; k < wi.length; k++) sum += wi[k] * image[(s + k) * inSize + c];
      rows[i * inSize + c] = sum;
    }
  }
  const out = new Float64Array(outSize * outSize);
  for (let i = 0; i < outSize; i++) {
    for (let j = 0; j < outSize; j++) {
      const wj = w[j],
        s = start[j];
      let sum = 0;
      for (let k = 0; k < wj.length; k++) sum += wj[k] * rows[i * inSize + s + k];
      out[i * outSize + j] = sum;
    }
  }
  return out;
}
