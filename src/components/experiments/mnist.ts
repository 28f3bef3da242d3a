/**
 * The MNIST experiment shared by the MNIST page and the CLI: the 784→16→16→10 architecture,
 * the page's controls as one schema (defaults, URL), and the mapping from control values to a
 * network config and training options. Keeping it in one place is what makes the page's run and
 * `npm run train -- --subset page` the same run.
 */
import {activationNames, initNames, type NetworkConfig, type TrainingOptions, type ActivationName, type InitName} from "../nn/index.js";
import {choice, number, trainCommand, type Values} from "./params.js";
import {LEARNING_RATE_RANGE, MOMENTUM_RANGE, SEED_RANGE} from "./limits.js";

export const MNIST_LAYERS = [784, 16, 16, 10];

export const mnistSchema = {
  activation: choice(activationNames, "relu"),
  init: choice(initNames, "he-normal"),
  optimizer: choice(["sgd", "adam"] as const, "sgd"),
  lr: number(0.01, {min: LEARNING_RATE_RANGE[0], max: LEARNING_RATE_RANGE[1]}),
  batch: number(32, {min: 1, max: 1000, integer: true}),
  momentum: number(0.9, {min: MOMENTUM_RANGE[0], max: MOMENTUM_RANGE[1]}),
  seed: number(1, {min: SEED_RANGE[0], max: SEED_RANGE[1], integer: true}),
};

export type MnistValues = Values<typeof mnistSchema>;

/**
 * The run a set of control values defines. SGD with μ > 0 is classical momentum; Adam ignores μ
 * (its β₁ = 0.9 plays that part).
 */
export function mnistRun(values: MnistValues, layers: number[] = MNIST_LAYERS): {network: NetworkConfig; training: TrainingOptions} {
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
      optimizer: values.optimizer === "adam" ? "adam" : values.momentum > 0 ? "momentum" : "sgd",
      momentum: values.momentum,
    },
  };
}

/** The CLI command that repeats a page run for `steps` updates on the page's own subset. */
export function mnistCommand(values: MnistValues, steps: number): string {
  const {activation, init, optimizer, lr, batch, momentum, seed} = values;
  return trainCommand({subset: "page", activation, init, optimizer, lr, batch, momentum, seed, steps});
}
