/**
 * The neuron lab's experiment, shared by its page and the CLI: the 256→16→12→10 ReLU network with
 * softmax + cross-entropy, trained by SGD with momentum; the page's controls as one schema
 * (defaults, ranges, URL; the page's number boxes refuse what the schema refuses); and the CLI
 * command that repeats a page run.
 */
import type {NetworkConfig, TrainingOptions} from "../nn/index.js";
import {LAB_DATASETS, LAB_SETS} from "../datasets/lab-sets.js";
import {LEARNING_RATE_RANGE, MOMENTUM_RANGE, SEED_RANGE} from "./limits.js";
import {choice, number, trainCommand, type Values} from "./params.js";
import {advancedFlags, advancedSchema, advancedTraining, type AdvancedKey} from "./advanced.js";

export const LAB_LAYERS = [256, 16, 12, 10];

export const labSchema = {
  dataset: choice(LAB_DATASETS, "procedural"),
  lr: number(0.05, {min: LEARNING_RATE_RANGE[0], max: LEARNING_RATE_RANGE[1]}),
  batch: number(16, {min: 1, max: LAB_SETS.procedural.train.count, integer: true}),
  momentum: number(0.9, {min: MOMENTUM_RANGE[0], max: MOMENTUM_RANGE[1]}),
  seed: number(1, {min: SEED_RANGE[0], max: SEED_RANGE[1], integer: true}),
  // Nesterov, weight decay, dropout, the η schedule and warm-up (experiments/advanced.ts), as on the MNIST page.
  ...advancedSchema,
};

/** The advanced options are optional: values written before them mean the defaults. */
export type LabValues = Omit<Values<typeof labSchema>, AdvancedKey> & Partial<Pick<Values<typeof labSchema>, AdvancedKey>>;

/** The run a set of control values defines (He initialisation, as suits ReLU); a schedule's horizon counts epochs of the chosen dataset's training set. */
export function labRun(values: LabValues): {network: NetworkConfig; training: TrainingOptions} {
  const optimizer = values.momentum > 0 ? "momentum" : "sgd";
  const extra = advancedTraining(values, {optimizer, batch: values.batch, trainCount: LAB_SETS[values.dataset].train.count});
  return {
    network: {layers: LAB_LAYERS, activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: values.seed},
    training: {learningRate: values.lr, batchSize: values.batch, optimizer, momentum: values.momentum, ...extra},
  };
}

/** The CLI command that repeats a page run for `steps` updates on the same fixed set. */
export function labCommand(values: LabValues, steps: number): string {
  const {dataset, lr, batch, momentum, seed} = values;
  const extra = advancedFlags(values, labRun(values).training);
  return trainCommand({dataset, layers: LAB_LAYERS.join(","), activation: "relu", init: "he-normal", optimizer: "sgd", lr, batch, momentum, seed, ...extra, steps});
}
