/**
 * The workbook's binary layout for a subset of labelled 8-bit images, written by the data
 * loaders at build time and read by pages, the CLI and the tests. All integers little-endian:
 *
 *   offset  size            field
 *   0       4               magic "DGT1" (ASCII)
 *   4       2               version = 1 (uint16)
 *   6       1               rows (uint8)
 *   7       1               cols (uint8)
 *   8       4               count n (uint32)
 *   12      4               seed the subset was drawn with (uint32, provenance only)
 *   16      n               labels (uint8, 0–9)
 *   16+n    pad to 4        zeros
 *   L       4·n             source indices into the original file (uint32)
 *   L+4n    n·rows·cols     pixels (uint8, row-major, one image after another; 0 = paper)
 *
 * Total size 16 + ⌈n/4⌉·4 + 4n + n·rows·cols bytes: 30,000 MNIST digits take 23.6 MB, about
 * 5 MB once gzip-compressed (gzip.ts).
 */
import type {LabelledImages} from "./idx.js";

export const MAGIC = "DGT1";
export const CODEC_VERSION = 1;
const HEADER = 16;

export interface Subset extends LabelledImages {
  /** Index of each image in its source file (e.g. MNIST's 60,000-image training file). */
  indices: Uint32Array;
  /** Seed the subset was drawn with. */
  seed: number;
}

/** A buffer that is not a valid subset; the message names the file (when given) and the fault. */
export class CodecError extends Error {
  override name = "CodecError";
}

const align4 = (n: number) => (n + 3) & ~3;

/** Byte length of an encoded subset of n images of rows × cols. */
export function encodedLength(n: number, rows: number, cols: number): number {
  return HEADER + align4(n) + 4 * n + n * rows * cols;
}

/**
 * Encodes a subset into the layout above.
 * throws RangeError when lengths disagree or rows/cols do not fit a byte.
 */
export function encodeSubset({count, rows, cols, labels, indices, pixels, seed}: Subset): Uint8Array {
  if (labels.length !== count || indices.length !== count || pixels.length !== count * rows * cols) {
    throw new RangeError(`invalid subset: count ${count}, ${labels.length} labels, ${indices.length} indices, ${pixels.length} pixels (expected ${count * rows * cols})`);
  }
  if (!(rows >= 1 && rows <= 255 && cols >= 1 && cols <= 255)) throw new RangeError(`invalid image size: ${rows}×${cols}`);
  const out = new Uint8Array(encodedLength(count, rows, cols));
  const view = new DataView(out.buffer);
  for (let k = 0; k < 4; k++) out[k] = MAGIC.charCodeAt(k);
  view.setUint16(4, CODEC_VERSION, true);
  out[6] = rows;
  out[7] = cols;
  view.setUint32(8, count, true);
  view.setUint32(12, seed >>> 0, true);
  out.set(labels, HEADER);
  const at = HEADER + align4(count);
  for (let i = 0; i < count; i++) view.setUint32(at + 4 * i, indices[i], true);
  out.set(pixels, at + 4 * count);
  return out;
}

/**
 * Decodes a buffer written by encodeSubset. The typed arrays are copies (safe to keep).
 * throws CodecError, naming `name`, on a wrong magic, an unknown version, a truncated or
 * over-long buffer, or a label outside 0–9.
 */
export function decodeSubset(input: ArrayBuffer | Uint8Array, name = "subset"): Subset {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const fail = (what: string): never => {
    throw new CodecError(`${name}: ${what}`);
  };
  if (bytes.length < HEADER) fail(`truncated: ${bytes.length} bytes, the header alone is ${HEADER}`);
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== MAGIC) fail(`bad magic ${JSON.stringify(magic)}, expected ${JSON.stringify(MAGIC)}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version !== CODEC_VERSION) fail(`version ${version}, this workbook reads version ${CODEC_VERSION}`);
  const rows = bytes[6],
    cols = bytes[7];
  const count = view.getUint32(8, true);
  const seed = view.getUint32(12, true);
  const expected = encodedLength(count, rows, cols);
  if (bytes.length < expected) fail(`truncated: ${count} images of ${rows}×${cols} need ${expected} bytes, found ${bytes.length}`);
  if (bytes.length > expected) fail(`corrupted: ${count} images of ${rows}×${cols} need ${expected} bytes, found ${bytes.length}`);
  const labels = bytes.slice(HEADER, HEADER + count);
  for (let i = 0; i < count; i++) if (labels[i] > 9) fail(`label ${labels[i]} at item ${i} is not a digit 0–9`);
  const at = HEADER + align4(count);
  const indices = new Uint32Array(count);
  for (let i = 0; i < count; i++) indices[i] = view.getUint32(at + 4 * i, true);
  const pixels = bytes.slice(at + 4 * count, expected);
  return {count, rows, cols, labels, indices, pixels, seed};
}
