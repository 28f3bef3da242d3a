/**
 * The MNIST experiment shared by the MNIST page and the CLI: the 784→16→16→10 architecture,
 * the page's controls as one schema (defaults, URL), and the mapping from control values to a
 * network config and training options. Keeping it in one place is what makes the page's run and
 * `npm run train -- --subset page` the same run.
 */
import {activationNames, initNames, scheduleNames, type NetworkConfig, type TrainingOptions, type ActivationName, type InitName} from "../nn/index.js";
import {SUBSETS} from "../datasets/subsets.js";
import {choice, number, trainCommand, type Values} from "./params.js";
import {LEARNING_RATE_RANGE, MAX_EPOCHS, MOMENTUM_RANGE, SEED_RANGE, WARMUP_RANGE, WEIGHT_DECAY_RANGE} from "./limits.js";

export const MNIST_LAYERS = [784, 16, 16, 10];

/** Largest dropout p the page and its URL accept (the module takes any p < 1). */
export const MAX_PAGE_DROPOUT = 0.99;

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
  // The options of issue 17; URL names are the CLI's flag names. Their defaults change no bit.
  "weight-decay": number(0, {min: WEIGHT_DECAY_RANGE[0], max: WEIGHT_DECAY_RANGE[1]}),
  nesterov: choice(["off", "on"] as const, "off"),
  /** p < 1 (every unit dropped trains nothing): the page stops at 0.99. */
  dropout: number(0, {min: 0, max: MAX_PAGE_DROPOUT}),
  schedule: choice(scheduleNames, "constant"),
  warmup: number(0, {min: WARMUP_RANGE[0], max: WARMUP_RANGE[1], integer: true}),
  /** The schedule's horizon in epochs of the page's training subset (the CLI takes it in updates). */
  horizon: number(3, {min: 1, max: MAX_EPOCHS, integer: true}),
};

/** The options added by issue 17: optional in MnistValues, so values written before them (tests, files) stay valid and mean the defaults. */
export type MnistNewKey = "weight-decay" | "nesterov" | "dropout" | "schedule" | "warmup" | "horizon";
export type MnistValues = Omit<Values<typeof mnistSchema>, MnistNewKey> & Partial<Pick<Values<typeof mnistSchema>, MnistNewKey>>;

/** Updates in `epochs` passes over `trainCount` samples at minibatch size `batch` (the last minibatch of an epoch may be smaller). */
export const updatesPerEpochs = (epochs: number, trainCount: number, batch: number): number => epochs * Math.ceil(trainCount / Math.min(batch, trainCount));

/**
 * The run a set of control values defines. SGD with μ > 0 is classical momentum (Nesterov's when
 * `nesterov` is on); Adam and AdamW ignore μ (β₁ = 0.9 plays that part) and Nesterov. A schedule's
 * horizon is `horizon` epochs of `trainCount` samples (default: the page's training subset), in updates.
 * The new options appear in `training` only when they differ from their defaults, so a default
 * run's options (and the files that record them) are what they were before those options existed.
 */
export function mnistRun(values: MnistValues, layers: number[] = MNIST_LAYERS, trainCount = PAGE_TRAIN_COUNT): {network: NetworkConfig; training: TrainingOptions} {
  const optimizer = values.optimizer === "adam" || values.optimizer === "adamw" ? values.optimizer : values.momentum > 0 ? "momentum" : "sgd";
  const d = mnistSchema;
  const {"weight-decay": weightDecay = 0, nesterov = d.nesterov.default, dropout = 0, schedule = d.schedule.default, warmup = 0, horizon = d.horizon.default} = values;
  const extra: Partial<TrainingOptions> = {};
  if (weightDecay > 0) extra.weightDecay = weightDecay;
  if (nesterov === "on" && optimizer === "momentum") extra.nesterov = true;
  if (dropout > 0) extra.dropout = dropout;
  if (schedule !== "constant") {
    extra.schedule = schedule;
    extra.totalSteps = updatesPerEpochs(horizon, trainCount, values.batch);
  }
  if (warmup > 0) extra.warmup = warmup;
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
  const extra: Record<string, string | number | boolean> = {};
  if (training.weightDecay) extra["weight-decay"] = training.weightDecay;
  if (training.nesterov) extra.nesterov = true;
  if (training.dropout) extra.dropout = training.dropout;
  const horizon = values.horizon ?? mnistSchema.horizon.default;
  if (training.schedule) extra.schedule = training.schedule;
  if (training.schedule || horizon !== mnistSchema.horizon.default) extra.horizon = horizon;
  if (training.warmup) extra.warmup = training.warmup;
  return trainCommand({subset: "page", activation, init, optimizer, lr, batch, momentum, seed, ...extra, steps});
}
