/**
 * Node-only helper behind the src/data/*.bin.ts data loaders: selects one named subset of MNIST,
 * encodes it (codec.ts), gzips it and writes it to stdout. Any fault is printed to stderr with
 * the file it concerns and the process exits 1, which fails the build.
 */
import {gzipSync} from "node:zlib";
import {encodeSubset} from "./codec.js";
import {readMnist} from "./mnist-node.js";
import {selectSubset, SUBSETS, type SubsetName} from "./subsets.js";

/** Encoded, gzip-compressed bytes of a named subset. */
export function subsetFile(name: SubsetName): Uint8Array {
  const images = readMnist(SUBSETS[name].source);
  return gzipSync(encodeSubset(selectSubset(name, images)), {level: 9});
}

/** Entry point of a data loader: writes the subset to stdout or exits 1 with the reason. */
export function runLoader(name: SubsetName, loader: string): void {
  try {
    const bytes = subsetFile(name);
    process.stdout.write(bytes);
    process.stderr.write(`${loader}: ${name} subset, ${(bytes.length / 1e6).toFixed(2)} MB gzip\n`);
  } catch (error) {
    process.stderr.write(`${loader}: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
