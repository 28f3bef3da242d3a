/**
 * Node-only: builds the neuron lab's data sets (lab-sets.ts) for the data loaders and the CLI.
 */
import {readFileSync} from "node:fs";
import {gzipSync} from "node:zlib";
import {fileURLToPath} from "node:url";
import {areaAverage} from "./resample.js";
import {generateDigits, parseStrokes, SIZE, type DigitStrokes} from "./procedural.js";
import {LAB_SETS, type LabDataset} from "./lab-sets.js";
import {readMnist} from "./mnist-node.js";
import {balancedIndices, DATA_SEED, perClassFor, take} from "./subsets.js";
import type {LabelledImages} from "./idx.js";
import {encodeSubset, type Subset} from "./codec.js";

/** The checked-in stroke skeletons, data/digit-strokes.json. */
export function readStrokes(path = fileURLToPath(new URL("../../../data/digit-strokes.json", import.meta.url))): DigitStrokes {
  return parseStrokes(JSON.parse(readFileSync(path, "utf8")));
}

/** Shrinks 28×28 images to 16×16 by area averaging (ink preserved up to rounding to 8 bits). */
export function downsample16(images: LabelledImages): LabelledImages {
  const inSize = images.rows,
    out = new Uint8Array(images.count * SIZE * SIZE);
  for (let i = 0; i < images.count; i++) {
    const small = areaAverage(images.pixels.subarray(i * inSize * inSize, (i + 1) * inSize * inSize), inSize, SIZE);
    for (let k = 0; k < small.length; k++) out[i * SIZE * SIZE + k] = Math.round(small[k]);
  }
  return {count: images.count, rows: SIZE, cols: SIZE, pixels: out, labels: images.labels};
}

/** One of the lab's fixed sets as a Subset (indices: the sample number, or the MNIST index). */
export function labSet(dataset: LabDataset, part: "train" | "test"): Subset {
  if (dataset === "procedural") {
    const {count, seed} = LAB_SETS.procedural[part];
    const set = generateDigits(readStrokes(), count, seed);
    return {count, rows: SIZE, cols: SIZE, pixels: set.pixels, labels: set.labels, indices: Uint32Array.from({length: count}, (_, i) => i), seed};
  }
  const file = readMnist(part);
  const chosen = take(file, balancedIndices(file.labels, perClassFor(LAB_SETS.mnist16[part].count), DATA_SEED));
  return {...chosen, ...downsample16(chosen), indices: chosen.indices, seed: chosen.seed};
}

/**
 * Body of the four src/data/lab-*.bin.ts loaders: writes one fixed set, gzip of the DGT1 layout
 * (codec.ts), to stdout; on failure names the loader file on stderr and exits 1 (the build fails).
 */
export function writeLabSet(dataset: LabDataset, split: "train" | "test"): void {
  const name = `lab-${dataset}-${split}.bin`;
  try {
    const bytes = gzipSync(encodeSubset(labSet(dataset, split)), {level: 9});
    process.stdout.write(bytes);
    process.stderr.write(`${name}: ${(bytes.length / 1e3).toFixed(0)} kB gzip\n`);
  } catch (error) {
    process.stderr.write(`src/data/${name}.ts: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
