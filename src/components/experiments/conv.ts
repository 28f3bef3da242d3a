/**
 * The Convolutions page's experiment, shared by the page and its printed command: the LeNet-style
 * network of `train --arch conv` (nn/conv.ts LENET_LAYERS on 1 × 28 × 28 digits, ReLU, He
 * initialisation, softmax + cross-entropy) trained on the MNIST page's 30,000-digit subset; the
 * page's controls as one schema (defaults, ranges, URL); the CLI command that repeats a page run
 * update for update; the MNIST page's 784 → 16 → 16 → 10 network as the dense twin it is compared
 * with; and the parameter counts that say what weight sharing buys.
 */
import {LENET_LAYERS, type ConvLayer, type ConvNetwork, type ConvNetworkConfig, type NetworkConfig, type TrainingOptions} from "../nn/index.js";
import {LEARNING_RATE_RANGE, MAX_EPOCHS, MOMENTUM_RANGE, SEED_RANGE} from "./limits.js";
import {MNIST_LAYERS, mnistCommand, mnistRun, mnistSchema, PAGE_TRAIN_COUNT} from "./mnist.js";
import {choice, defaults, number, trainCommand, type Values} from "./params.js";

/** The input of every digit: one channel of 28 × 28 pixels. */
export const CONV_INPUT = [1, 28, 28] as const;

/**
 * The page's controls. η 0.05 with momentum 0.9 and B 32 are `train --arch conv`'s defaults; the
 * page's schedule is constant by default (a reader trains for as long as they like, and a cosine
 * schedule's η is 0 from its horizon on), the CLI's is cosine: the printed command always names it.
 */
export const convSchema = {
  lr: number(0.05, {min: LEARNING_RATE_RANGE[0], max: LEARNING_RATE_RANGE[1]}),
  batch: number(32, {min: 1, max: 1000, integer: true}),
  momentum: number(0.9, {min: MOMENTUM_RANGE[0], max: MOMENTUM_RANGE[1]}),
  seed: number(1, {min: SEED_RANGE[0], max: SEED_RANGE[1], integer: true}),
  schedule: choice(["constant", "cosine"] as const, "constant"),
  /** The cosine schedule's horizon in epochs of the page's training subset (η reaches 0 there). */
  horizon: number(1, {min: 1, max: MAX_EPOCHS, integer: true}),
};

export type ConvValues = Values<typeof convSchema>;

/** Updates in `epochs` passes over `trainCount` samples at minibatch size `batch` (the last minibatch of an epoch may be smaller): the CLI's `--horizon` in updates. */
export const updatesIn = (epochs: number, trainCount: number, batch: number): number => epochs * Math.ceil(trainCount / Math.min(batch, trainCount));

/** The network and its training for a set of control values; the same run as `convCommand` prints. */
export function convRun(values: ConvValues, trainCount = PAGE_TRAIN_COUNT): {network: ConvNetworkConfig; training: TrainingOptions} {
  const optimizer = values.momentum > 0 ? "momentum" : "sgd";
  return {
    network: {input: CONV_INPUT, layers: LENET_LAYERS, activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: values.seed},
    training: {
      learningRate: values.lr,
      batchSize: values.batch,
      optimizer,
      momentum: values.momentum,
      ...(values.schedule === "constant" ? {} : {schedule: values.schedule, totalSteps: updatesIn(values.horizon, trainCount, values.batch)}),
    },
  };
}

/**
 * The CLI command that repeats a page run for `steps` updates on the page's subset. The schedule is
 * always named (the CLI's conv default is cosine), the horizon whenever a schedule uses it or its
 * control is not at its default (so the command shows every value the controls hold).
 */
export function convCommand(values: ConvValues, steps: number): string {
  const {lr, batch, momentum, seed, schedule, horizon} = values;
  const extra: Record<string, number> = schedule !== "constant" || horizon !== convSchema.horizon.default ? {horizon} : {};
  return trainCommand({arch: "conv", subset: "page", activation: "relu", init: "he-normal", lr, batch, momentum, seed, schedule, ...extra, steps});
}

/**
 * The dense twin: the MNIST page's 784 → 16 → 16 → 10 network at that page's default settings
 * (ReLU, He, η 0.01, μ 0.9), with this page's minibatch size and seed, so both networks see the
 * same digits in the same order.
 */
export function denseTwin(values: Pick<ConvValues, "batch" | "seed">): {network: NetworkConfig; training: TrainingOptions; command: (steps: number) => string} {
  const twin = {...defaults(mnistSchema), batch: values.batch, seed: values.seed};
  const {network, training} = mnistRun(twin, MNIST_LAYERS);
  return {network, training, command: (steps) => mnistCommand(twin, steps)};
}

/** One parameter layer's weights and biases, with its shape in words. */
export interface ParameterRow {
  /** "conv 1", "conv 2", "dense" (the output layer), or "dense 1" … for the fully-connected network. */
  name: string;
  /** e.g. "8 kernels of 1 × 5 × 5" or "10 × 256". */
  shape: string;
  weights: number;
  biases: number;
  total: number;
}

/** Weights and biases layer by layer, of a ConvNetwork or of a fully-connected network's layer sizes (input first). */
export function parameterRows(network: Pick<ConvNetwork, "layers"> | readonly number[]): ParameterRow[] {
  if (Array.isArray(network)) {
    const sizes = network as readonly number[];
    return sizes.slice(1).map((fanOut, l) => {
      const fanIn = sizes[l];
      return {name: l === sizes.length - 2 ? "output" : `hidden ${l + 1}`, shape: `${fanOut} × ${fanIn}`, weights: fanOut * fanIn, biases: fanOut, total: fanOut * (fanIn + 1)};
    });
  }
  let conv = 0;
  return (network as Pick<ConvNetwork, "layers">).layers.map((layer) => {
    if (layer.type === "conv") {
      conv++;
      const name = `conv ${conv}`;
      return {
        name,
        shape: `${layer.outChannels} kernels of ${layer.inChannels} × ${layer.kernelHeight} × ${layer.kernelWidth}`,
        weights: layer.weights.length,
        biases: layer.biases.length,
        total: layer.weights.length + layer.biases.length,
      };
    }
    return {name: "dense (output)", shape: `${layer.fanOut} × ${layer.fanIn}`, weights: layer.weights.length, biases: layer.biases.length, total: layer.weights.length + layer.biases.length};
  });
}

/**
 * What weight sharing saves in one conv layer: its parameters as they are (one kernel and one bias
 * per output channel, used at every position), the same connections with a separate kernel and
 * bias at every output pixel (locally connected, no sharing), and a fully-connected layer with as
 * many outputs reading the whole input map.
 */
export function sharingCounts(layer: Pick<ConvLayer, "inShape" | "outShape" | "kernelHeight" | "kernelWidth" | "inChannels" | "outChannels">): {
  outputs: number;
  shared: number;
  unshared: number;
  dense: number;
} {
  const [O, oH, oW] = layer.outShape;
  const [C, H, W] = layer.inShape;
  const outputs = O * oH * oW;
  const fanIn = layer.inChannels * layer.kernelHeight * layer.kernelWidth;
  return {outputs, shared: layer.outChannels * (fanIn + 1), unshared: outputs * (fanIn + 1), dense: outputs * (C * H * W + 1)};
}
