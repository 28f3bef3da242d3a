/**
 * Subset files are gzip-compressed at build time (node:zlib) and inflated where they are read
 * with the standard DecompressionStream, which browsers and Node ≥ 18 both provide. MNIST's
 * mostly-blank images shrink about 4.7×, so 30,000 training digits fit in about 5 MB.
 */
import {decodeSubset, CodecError, type Subset} from "./codec.js";

/** True when the bytes start with gzip's magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflates gzip bytes. throws CodecError naming `name` when the stream is corrupted or cut short. */
export async function gunzip(bytes: Uint8Array, name = "subset"): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new CodecError(`${name}: corrupted gzip data (${(error as Error).message})`);
  }
}

/**
 * Reads a subset file as the data loaders write it (gzip of the DGT1 layout; plain DGT1 is
 * accepted too). throws CodecError naming `name` on any fault.
 */
export async function readSubset(input: ArrayBuffer | Uint8Array, name = "subset"): Promise<Subset> {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  return decodeSubset(isGzip(bytes) ? await gunzip(bytes, name) : bytes, name);
}
