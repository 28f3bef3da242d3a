/**
 * IDX files, the format MNIST ships in (LeCun, Cortes & Burges, "THE MNIST DATABASE of
 * handwritten digits"). Big-endian:
 *
 *   bytes 0–1  zero
 *   byte  2    element type: 0x08 = unsigned byte (the only type MNIST uses and this parser reads)
 *   byte  3    number of dimensions d
 *   then d × uint32 BE dimension sizes, then the elements, row-major.
 *
 * MNIST images: magic 0x00000803, dims [count, 28, 28]; labels: magic 0x00000801, dims [count].
 */

export interface IdxArray {
  /** Dimension sizes, e.g. [60000, 28, 28]. */
  dims: number[];
  /** The elements, row-major, length = product of dims (a view into the input buffer). */
  data: Uint8Array;
}

/** A malformed IDX buffer; the message names the file (when given) and what is wrong. */
export class IdxError extends Error {
  override name = "IdxError";
}

/**
 * Parses an IDX buffer of unsigned bytes.
 * `name` (e.g. the file's path) is put in error messages.
 * throws IdxError when the magic number is wrong, the type is not ubyte, the header is cut short,
 * or the data's length differs from the product of the dimensions.
 */
export function parseIdx(buffer: Uint8Array, name = "IDX buffer"): IdxArray {
  const fail = (what: string): never => {
    throw new IdxError(`${name}: ${what}`);
  };
  if (buffer.length < 4) fail(`truncated header: ${buffer.length} bytes, an IDX file starts with a 4-byte magic number`);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (buffer[0] !== 0 || buffer[1] !== 0) fail(`bad magic number 0x${view.getUint32(0).toString(16).padStart(8, "0")}: the first two bytes must be zero`);
  if (buffer[2] !== 0x08) fail(`unsupported element type 0x${buffer[2].toString(16)} (only 0x08, unsigned byte, is read)`);
  const d = buffer[3];
  if (d < 1) fail("bad magic number: zero dimensions");
  const headerLength = 4 + 4 * d;
  if (buffer.length < headerLength) fail(`truncated header: ${buffer.length} bytes, ${d} dimensions need ${headerLength}`);
  const dims: number[] = [];
  for (let k = 0; k < d; k++) dims.push(view.getUint32(4 + 4 * k));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = buffer.length - headerLength;
  if (actual < expected) fail(`truncated: dimensions [${dims.join(", ")}] need ${expected} data bytes, found ${actual}`);
  if (actual > expected) fail(`corrupted: dimensions [${dims.join(", ")}] need ${expected} data bytes, found ${actual} (trailing bytes)`);
  return {dims, data: buffer.subarray(headerLength)};
}

export interface LabelledImages {
  count: number;
  rows: number;
  cols: number;
  /** Uint8Array of count × rows × cols, row-major; 0 = paper, 255 = ink. */
  pixels: Uint8Array;
  /** Uint8Array of count, classes 0–9. */
  labels: Uint8Array;
}

/**
 * Pairs an MNIST image file with its label file.
 * throws IdxError when either is malformed, the ranks are wrong (images d = 3, labels d = 1),
 * the counts differ, or a label is not a digit 0–9.
 */
export function parseMnist(images: Uint8Array, labels: Uint8Array, names: {images?: string; labels?: string} = {}): LabelledImages {
  const imageName = names.images ?? "image file",
    labelName = names.labels ?? "label file";
  const img = parseIdx(images, imageName);
  const lab = parseIdx(labels, labelName);
  if (img.dims.length !== 3) throw new IdxError(`${imageName}: expected 3 dimensions (count, rows, cols), found ${img.dims.length}`);
  if (lab.dims.length !== 1) throw new IdxError(`${labelName}: expected 1 dimension (count), found ${lab.dims.length}`);
  const [count, rows, cols] = img.dims;
  if (lab.dims[0] !== count) throw new IdxError(`${labelName}: ${lab.dims[0]} labels for ${count} images in ${imageName}`);
  for (let i = 0; i < count; i++) {
    if (lab.data[i] > 9) throw new IdxError(`${labelName}: label ${lab.data[i]} at item ${i} is not a digit 0–9`);
  }
  return {count, rows, cols, pixels: img.data, labels: lab.data};
}
