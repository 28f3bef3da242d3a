// Data loader: the neuron lab's procedural train set (src/components/datasets/lab-sets.ts), gzip of the DGT1 layout.
import {gzipSync} from "node:zlib";
import {encodeSubset} from "../components/datasets/codec.js";
import {labSet} from "../components/datasets/lab-node.js";

try {
  const bytes = gzipSync(encodeSubset(labSet("procedural", "train")), {level: 9});
  process.stdout.write(bytes);
  process.stderr.write(`lab-procedural-train.bin: ${(bytes.length / 1e3).toFixed(0)} kB gzip\n`);
} catch (error) {
  process.stderr.write(`src/data/lab-procedural-train.bin.ts: ${(error as Error).message}\n`);
  process.exit(1);
}
