/**
 * What the MNIST page takes from a network file it loads: the network (the module's fromJSON),
 * and the settings the file records, whether the page saved it (meta.values) or `train --out`
 * wrote it (meta.training: η, B, the optimiser and μ as TrainingOptions). A value the page's
 * schema refuses is a problem of the file and is said so, naming the file; settings the file does
 * not record stay at the page's values and the returned note names them.
 */
import {fromJSON, NetworkFileError, type Network} from "../nn/index.js";
import {mnistSchema, PAGE_TRAIN_COUNT, type MnistNewKey, type MnistValues} from "./mnist.js";

/** Issue 17's options: a file that does not record one was trained without it, so it loads as the default (not as "missing"). */
const NEW_KEYS: readonly MnistNewKey[] = ["weight-decay", "nesterov", "dropout", "schedule", "warmup", "horizon"];

/** Largest |weight| or |bias| the page loads: beyond it the views' scales and the run mean nothing (a trained net stays far below). */
export const MAX_LOADED_PARAMETER = 1e6;

export interface MnistFile {
  network: Network;
  /** The page's values for the loaded run: the file's where it records them, `current`'s otherwise. */
  values: MnistValues;
  steps: number;
  samplesSeen: number;
  /** Where the settings came from: "page", "cli" or "none". */
  source: "page" | "cli" | "none";
  /** The settings the file does not record (kept at the page's values), in words; empty when it records all. */
  missing: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const show = (v: unknown) => (typeof v === "number" ? String(v) : JSON.stringify(v));
const WORDS: Record<string, string> = {lr: "η", batch: "B", momentum: "μ", optimizer: "the optimiser"};

/**
 * Reads a network file for the MNIST page. throws NetworkFileError: what fromJSON refuses, a
 * weight or bias beyond ±MAX_LOADED_PARAMETER, or, naming the file, a setting the page's schema
 * refuses ("file x.json: lr 50 refused (expected a number from 0.0001 to 10)").
 */
export function readMnistFile(text: string, fileName: string, current: MnistValues): MnistFile {
  const fail = (message: string): never => {
    throw new NetworkFileError(`file ${fileName}: ${message}`);
  };
  // fromJSON's own errors, and the size check, are said as the module says them (the page's
  // Load message names the file).
  const network = fromJSON(text);
  network.layers.forEach((layer, l) => {
    for (const [name, values] of [
      ["weights", layer.weights],
      ["biases", layer.biases],
    ] as const) {
      const i = values.findIndex((v) => Math.abs(v) > MAX_LOADED_PARAMETER);
      if (i >= 0) throw new NetworkFileError(`layers[${l}].${name}[${i}]: ${values[i]} is too large; this page loads weights and biases up to ±${MAX_LOADED_PARAMETER.toLocaleString("en")}`);
    }
  });
  const file = JSON.parse(text) as {meta?: unknown};
  const meta = isObject(file.meta) ? file.meta : {};
  const config = network.config;
  // The file's settings as the page's schema names them; undefined where the file is silent.
  let given: Partial<Record<keyof MnistValues, unknown>> = {};
  let source: MnistFile["source"] = "none";
  if (isObject(meta.values)) {
    source = "page";
    given = {...meta.values};
  } else if (isObject(meta.training)) {
    source = "cli";
    const t = meta.training;
    const optimizer =
      t.optimizer === undefined ? undefined : t.optimizer === "adam" || t.optimizer === "adamw" ? t.optimizer : t.optimizer === "sgd" || t.optimizer === "momentum" ? "sgd" : t.optimizer;
    given = {lr: t.learningRate, batch: t.batchSize, optimizer, momentum: t.momentum ?? (t.optimizer === "sgd" ? 0 : undefined)};
    given = {...given, "weight-decay": t.weightDecay, nesterov: t.nesterov === undefined ? undefined : t.nesterov ? "on" : "off", dropout: t.dropout, schedule: t.schedule, warmup: t.warmup};
    // The horizon in epochs of the page's subset, when the file's horizon (in updates) is a whole number of them.
    const perEpoch = typeof t.batchSize === "number" && t.batchSize >= 1 ? Math.ceil(PAGE_TRAIN_COUNT / Math.min(t.batchSize, PAGE_TRAIN_COUNT)) : NaN;
    if (typeof t.totalSteps === "number" && Number.isInteger(t.totalSteps / perEpoch)) given.horizon = t.totalSteps / perEpoch;
  }
  given = {...given, activation: config.activation, init: config.init, seed: config.seed};
  const values = {...current} as Record<string, unknown>;
  const missing: string[] = [];
  for (const [key, field] of Object.entries(mnistSchema)) {
    let v = (given as Record<string, unknown>)[key];
    if (v === undefined && (NEW_KEYS as readonly string[]).includes(key)) v = field.default;
    if (v === undefined) {
      missing.push(WORDS[key] ?? key);
      continue;
    }
    try {
      values[key] = field.parse(String(v));
    } catch (error) {
      fail(`${key} ${show(v)} refused (${(error as Error).message})`);
    }
  }
  const count = (x: unknown) => (Number.isInteger(x) && (x as number) >= 0 ? (x as number) : 0);
  return {network, values: values as MnistValues, steps: count(meta.steps), samplesSeen: count(meta.samplesSeen), source, missing};
}
