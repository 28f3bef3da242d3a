/**
 * One image out of a packed 8-bit pixel array (the DGT1 / IDX layout: image after image, `size`
 * bytes each), as the network reads it: a Float64Array of `size` values in [0, 1].
 *
 *   imageAt(trainSet.pixels, 7)        // the 8th 28 × 28 digit as 784 values
 *   imageAt(labSet.pixels, 3, 256)     // a 16 × 16 image
 */
export function imageAt(pixels: Uint8Array, index: number, size = 784): Float64Array {
  if (!(Number.isInteger(size) && size > 0)) throw new RangeError(`invalid size: ${size}`);
  const count = Math.floor(pixels.length / size);
  if (!(Number.isInteger(index) && index >= 0 && index < count)) throw new RangeError(`invalid index: ${index} (the array holds ${count} images of ${size} pixels)`);
  return Float64Array.from(pixels.subarray(index * size, (index + 1) * size), (v) => v / 255);
}
