/**
 * The MNIST experiment shared by the MNIST page and the CLI: the 784→16→16→10 architecture,
 * the page's controls as one schema (defaults, URL), and the mapping from control values to a
 * network config and training options. Keeping it in one place is what makes the page's run and
 * `npm run train -- --subset page` the same run.
 */
import {activationNames, initNames, type NetworkConfig, type TrainingOptions, type ActivationName, type InitName} from "../nn/index.js";
import {SUBSETS} from "../datasets/subsets.js";
import {choice, number, trainCommand, type Values} from "./params.js";
import {LEARNING_RATE_RANGE, MOMENTUM_RANGE, SEED_RANGE} from "./limits.js";
import {advancedFlags, advancedSchema, advancedTraining, type AdvancedKey} from "./advanced.js";

export {MAX_PAGE_DROPOUT, updatesPerEpochs} from "./advanced.js";

export const MNIST_LAYERS = [784, 16, 16, 10];

/** Training digits in the page's subset (SUBSETS.train: 3,000 per class). */
export const PAGE_TRAIN_COUNT = SUBSETS.train.perClass * 10;

export const mnistSchema = {
  activation: choice(activationNames, "relu"),
  init: choice(initNames, "he-normal"),
  optimizer: choice(["sgd", "adam", "adamw"] as const, "sgd"),
  lr: number(0.01, {min: LEARNING_RATE_RANGE[0], max: LEARNING_RATE_RANGE[1]}),
  batch: number(32, {min: 1, max: 1000, integer: true}),
  momentum: number(0.9, {min: MOMENTUM_RANGE[0], max: MOMENTUM_RANGE[1]}),
  seed: number(1, {min: SEED_RANGE[0], max: SEED_RANGE[1], integer: true}),
  // The options of issue 17 (experiments/advanced.ts); URL names are the CLI's flag names. Their defaults change no bit.
  ...advancedSchema,
};

/** The options added by issue 17: optional in MnistValues, so values written before them (tests, files) stay valid and mean the defaults. */
export type MnistNewKey = AdvancedKey;
export type MnistValues = Omit<Values<typeof mnistSchema>, MnistNewKey> & Partial<Pick<Values<typeof mnistSchema>, MnistNewKey>>;

/**
 * The run a set of control values defines. SGD with μ > 0 is classical momentum (Nesterov's when
 * `nesterov` is on); Adam and AdamW ignore μ (β₁ = 0.9 plays that part) and Nesterov. A schedule's
 * horizon is `horizon` epochs of `trainCount` samples (default: the page's training subset), in updates.
 * The new options appear in `training` only when they differ from their defaults, so a default
 * run's options (and the files that record them) are what they were before those options existed.
 */
export function mnistRun(values: MnistValues, layers: number[] = MNIST_LAYERS, trainCount = PAGE_TRAIN_COUNT): {network: NetworkConfig; training: TrainingOptions} {
  const optimizer = values.optimizer === "adam" || values.optimizer === "adamw" ? values.optimizer : values.momentum > 0 ? "momentum" : "sgd";
  const extra = advancedTraining(values, {optimizer, batch: values.batch, trainCount});
  return {
    network: {
      layers,
      activation: values.activation as ActivationName,
      head: "softmax-cross-entropy",
      init: values.init as InitName,
      seed: values.seed,
    },
    training: {
      learningRate: values.lr,
      batchSize: values.batch,
      optimizer,
      momentum: values.momentum,
      ...extra,
    },
  };
}

/**
 * The CLI command that repeats a page run for `steps` updates on the page's own subset. The
 * options of issue 17 are added only when they take effect; `--horizon` (epochs, as on the page)
 * whenever a schedule is on (the CLI's default horizon is its own run's length) or the horizon
 * control is not at its default (so the command shows every value the page's controls hold).
 */
export function mnistCommand(values: MnistValues, steps: number): string {
  const {activation, init, optimizer, lr, batch, momentum, seed} = values;
  const {training} = mnistRun(values);
  const extra = advancedFlags(values, training);
  return trainCommand({subset: "page", activation, init, optimizer, lr, batch, momentum, seed, ...extra, steps});
}
