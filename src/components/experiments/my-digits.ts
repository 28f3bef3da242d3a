/**
 * The reader's own digits: a small labelled set kept in their browser (views/my-digits.ts stores it
 * in IndexedDB; nothing leaves the machine), made from drawings or image files prepared the MNIST
 * way (datasets/mnist-preprocess.ts), used as a test set ("your handwriting") or mixed into a short
 * fine-tuning of the current network.
 *
 * Pure: no DOM, no storage. Images arrive here as RGBA bytes (the view decodes files with the
 * browser's own decoder).
 */
import {arraySamples, evaluate, Trainer, type Network, type Samples, type TrainingOptions} from "../nn/index.js";
import {mnistPreprocess, MNIST_SIDE} from "../datasets/mnist-preprocess.js";

export const MY_DIGITS_FORMAT = "digit-workbook/my-digits";
export const MY_DIGITS_VERSION = 1;
/** Most digits the set holds. */
export const MAX_MY_DIGITS = 500;
/** Largest image file accepted, in bytes, and largest side in pixels. */
export const MAX_IMAGE_BYTES = 5 * 2 ** 20;
export const MAX_IMAGE_SIDE = 4096;

export interface MyDigit {
  /** Unique within the set. */
  id: string;
  /** 0–9. */
  label: number;
  /** 784 bytes: the prepared 28 × 28 digit, 0 (blank) to 255 (full ink), row-major. */
  pixels: Uint8Array;
  /** Where it came from: "drawing" or a file's name. */
  source: string;
  /** ISO time it was added. */
  added: string;
}

/** A personal set that cannot be read; the message names the file and what is wrong. */
export class MyDigitsError extends Error {
  override name = "MyDigitsError";
}

/** A digit's pixels as the network reads them: Float64Array of 784 in [0, 1]. */
export const digitInput = (d: MyDigit) => Float64Array.from(d.pixels, (v) => v / 255);

/** Prepared pixels (784 values in [0, 1]) to the stored bytes. */
export const toBytes = (pixels: ArrayLike<number>) => Uint8Array.from({length: MNIST_SIDE * MNIST_SIDE}, (_, i) => Math.round(Math.min(1, Math.max(0, pixels[i])) * 255));

/** The set as a file's text (JSON; pixels as arrays of bytes). */
export function myDigitsText(digits: readonly MyDigit[]): string {
  return JSON.stringify({format: MY_DIGITS_FORMAT, version: MY_DIGITS_VERSION, digits: digits.map((d) => ({...d, pixels: Array.from(d.pixels)}))});
}

/**
 * Reads a personal set (a file's text, or the stored object). throws MyDigitsError naming `name`:
 * not JSON, another format (e.g. a network file), an older or newer version, more than
 * MAX_MY_DIGITS digits, a digit whose label is not 0–9 or whose pixels are not 784 bytes.
 */
export function readMyDigits(input: unknown, name: string): MyDigit[] {
  let f = input;
  if (typeof input === "string") {
    try {
      f = JSON.parse(input);
    } catch (error) {
      throw new MyDigitsError(`${name}: not JSON (${(error as Error).message})`);
    }
  }
  const file = f as Record<string, unknown> | null;
  if (!file || typeof file !== "object" || file.format !== MY_DIGITS_FORMAT)
    throw new MyDigitsError(`${name}: not a personal digit set (format ${JSON.stringify(file && typeof file === "object" ? file.format : typeof file)}, expected ${JSON.stringify(MY_DIGITS_FORMAT)})`);
  if (file.version !== MY_DIGITS_VERSION) throw new MyDigitsError(`${name}: version ${JSON.stringify(file.version)} of the personal digit set; this page reads version ${MY_DIGITS_VERSION}`);
  if (!Array.isArray(file.digits)) throw new MyDigitsError(`${name}: digits: expected a list`);
  if (file.digits.length > MAX_MY_DIGITS) throw new MyDigitsError(`${name}: ${file.digits.length} digits; at most ${MAX_MY_DIGITS}`);
  const ids = new Set<string>();
  return file.digits.map((d: Record<string, unknown>, i: number) => {
    const where = `${name}: digits[${i}]`;
    if (!d || typeof d !== "object") throw new MyDigitsError(`${where}: expected an object`);
    if (!(Number.isInteger(d.label) && (d.label as number) >= 0 && (d.label as number) <= 9)) throw new MyDigitsError(`${where}: label ${JSON.stringify(d.label)} is not a digit 0–9`);
    const pixels = d.pixels as unknown;
    const values = pixels instanceof Uint8Array ? pixels : Array.isArray(pixels) ? pixels : null;
    if (!values || values.length !== 784 || !Array.from(values).every((v) => Number.isInteger(v) && v >= 0 && v <= 255))
      throw new MyDigitsError(`${where}: pixels must be 784 whole numbers from 0 to 255`);
    const id = typeof d.id === "string" && d.id && !ids.has(d.id) ? d.id : `imported-${i}-${Date.now().toString(36)}`;
    ids.add(id);
    return {
      id,
      label: d.label as number,
      pixels: Uint8Array.from(values),
      source: typeof d.source === "string" ? d.source : "file",
      added: typeof d.added === "string" ? d.added : new Date(0).toISOString(),
    };
  });
}

/**
 * Ink from an image's RGBA bytes (any size): luminance, inverted when the image is dark ink on a
 * light ground (judged by its border: a light border means a light ground, as on paper and in most
 * drawing programs), transparent pixels counting as ground; then padded to a square and prepared
 * as MNIST's digits were (mnistPreprocess). throws RangeError for a size that does not match the
 * bytes; returns `empty: true` when there is no ink.
 */
export function imageDigit(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): {pixels: Float64Array; empty: boolean; inverted: boolean} {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1) || rgba.length !== width * height * 4)
    throw new RangeError(`invalid image: ${rgba.length} bytes for ${width} × ${height} pixels (expected ${width * height * 4})`);
  const lum = new Float64Array(width * height);
  const alpha = new Float64Array(width * height);
  for (let i = 0; i < lum.length; i++) {
    alpha[i] = rgba[4 * i + 3] / 255;
    lum[i] = (0.2126 * rgba[4 * i] + 0.7152 * rgba[4 * i + 1] + 0.0722 * rgba[4 * i + 2]) / 255;
  }
  // The border's mean luminance, over opaque pixels (a transparent border says nothing).
  let sum = 0,
    weight = 0;
  for (let x = 0; x < width; x++)
    for (const y of [0, height - 1]) {
      sum += lum[y * width + x] * alpha[y * width + x];
      weight += alpha[y * width + x];
    }
  for (let y = 1; y < height - 1; y++)
    for (const x of [0, width - 1]) {
      sum += lum[y * width + x] * alpha[y * width + x];
      weight += alpha[y * width + x];
    }
  const inverted = weight === 0 ? false : sum / weight > 0.5;
  const side = Math.max(width, height, MNIST_SIDE);
  const ink = new Float64Array(side * side);
  const ox = Math.floor((side - width) / 2),
    oy = Math.floor((side - height) / 2);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      // Transparent pixels are ground; otherwise ink is darkness on a light ground, lightness on a dark one.
      const v = (inverted ? 1 - lum[i] : lum[i]) * alpha[i];
      ink[(oy + y) * side + ox + x] = v;
    }
  const p = mnistPreprocess(ink, side, {threshold: 0.2});
  return {pixels: p.pixels, empty: p.empty, inverted};
}

/** Per class (0–9) the count of the set's digits and how many the network gets right; with the overall accuracy (NaN for an empty set). */
export function personalAccuracy(network: Network, digits: readonly MyDigit[]): {count: number[]; correct: number[]; accuracy: number; guesses: number[]} {
  const count = new Array(10).fill(0),
    correct = new Array(10).fill(0);
  const guesses = digits.map((d) => network.predict(digitInput(d)));
  digits.forEach((d, i) => {
    count[d.label]++;
    if (guesses[i] === d.label) correct[d.label]++;
  });
  const n = digits.length;
  return {count, correct, accuracy: n ? correct.reduce((a, b) => a + b, 0) / n : NaN, guesses};
}

/** The mixed training set: the first `mnistCount` samples of `mnist` and each personal digit `repeats` times. */
export function mixedSamples(mnist: Samples, digits: readonly MyDigit[], {mnistCount = 2000, repeats = 20}: {mnistCount?: number; repeats?: number} = {}): Samples {
  const n = Math.min(mnistCount, mnist.count);
  const inputs: Float64Array[] = [],
    labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = new Float64Array(mnist.inputSize);
    mnist.input(i, x);
    inputs.push(x);
    labels.push(mnist.labels[i]);
  }
  for (const d of digits)
    for (let k = 0; k < repeats; k++) {
      inputs.push(digitInput(d));
      labels.push(d.label);
    }
  return arraySamples(inputs, labels);
}

export interface FineTuneResult {
  network: Network;
  updates: number;
  before: {personal: number; test: number};
  after: {personal: number; test: number};
}

/**
 * Fine-tunes a copy of `network` for `updates` minibatch updates on MNIST plus the personal set
 * (mixedSamples), with the run's training options at a constant η (no schedule, warm-up or
 * dropout), and measures the personal and the MNIST test accuracy before and after. The original
 * network is not touched. throws RangeError for an empty set or updates < 1.
 */
export function fineTune(network: Network, mnist: Samples, test: Samples, digits: readonly MyDigit[], training: TrainingOptions, {updates = 100, seed = 1} = {}): FineTuneResult {
  if (!digits.length) throw new RangeError("invalid personal set: no digits to fine-tune on");
  if (!(Number.isInteger(updates) && updates >= 1)) throw new RangeError(`invalid updates: ${updates} (expected a whole number ≥ 1)`);
  const copy = network.clone();
  const before = {personal: personalAccuracy(copy, digits).accuracy, test: evaluate(copy, test).accuracy};
  const options: TrainingOptions = {...training, seed, schedule: "constant", warmup: 0, dropout: 0, totalSteps: undefined};
  const trainer = new Trainer(copy, mixedSamples(mnist, digits), options);
  trainer.run(updates);
  const after = {personal: personalAccuracy(copy, digits).accuracy, test: evaluate(copy, test).accuracy};
  return {network: copy, updates: trainer.steps, before, after};
}
