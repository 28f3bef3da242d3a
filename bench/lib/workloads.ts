/**
 * The workloads and libraries of `npm run bench`, and which library runs which workload.
 */
import type {ConvWorkload, LibId, Workload} from "./types.js";

const SMALL = [784, 16, 16, 10];
const WIDE = [784, 128, 64, 10];
/** nn/conv.ts's LENET_LAYERS: conv 8 × 5×5 → ReLU → max-pool 2 → conv 16 × 5×5 → ReLU → max-pool 2 → dense 10. */
const LENET: ConvWorkload = {
  input: [1, 28, 28],
  layers: [
    {type: "conv", channels: 8, kernel: 5},
    {type: "maxpool", size: 2},
    {type: "conv", channels: 16, kernel: 5},
    {type: "maxpool", size: 2},
    {type: "dense", units: 10},
  ],
};

/**
 * The parameter layers of a workload's network, {fanIn, fanOut} in order: a conv layer's fanIn is
 * inChannels × k × k (its He-normal fan-in) and fanOut its output channels; its weights are
 * outChannels × inChannels × k × k, row-major. The same shapes as nn/conv.ts's ConvNetwork.layers.
 */
export function parameterShapes(w: Workload): {fanIn: number; fanOut: number}[] {
  if (!w.conv) return w.sizes.slice(1).map((fanOut, l) => ({fanIn: w.sizes[l], fanOut}));
  let [c, h, width] = w.conv.input;
  const shapes: {fanIn: number; fanOut: number}[] = [];
  for (const layer of w.conv.layers) {
    if (layer.type === "conv") {
      shapes.push({fanIn: c * layer.kernel * layer.kernel, fanOut: layer.channels});
      [c, h, width] = [layer.channels, h - layer.kernel + 1, width - layer.kernel + 1];
    } else if (layer.type === "maxpool" || layer.type === "avgpool") {
      [h, width] = [h / layer.size, width / layer.size];
    } else if (layer.type === "dense") {
      shapes.push({fanIn: c * h * width, fanOut: layer.units});
      [c, h, width] = [layer.units, 1, 1];
    } else {
      [c, h, width] = [c * h * width, 1, 1];
    }
  }
  return shapes;
}

export const WORKLOADS: Workload[] = [
  {
    id: "W1",
    label: "W1",
    kind: "train",
    sizes: SMALL,
    batchSize: 1,
    learningRate: 0.05,
    target: {against: "best-peer", factor: 2},
    description: "train 784-16-16-10, batch 1, η = 0.05, one epoch",
  },
  {
    id: "W1-lr0.01",
    label: "W1 η=0.01",
    kind: "train",
    sizes: SMALL,
    batchSize: 1,
    learningRate: 0.01,
    target: null,
    accuracyOnly: true,
    description: "as W1 with η = 0.01, for its accuracy: first round only, 5× the time budget",
  },
  {
    id: "W2",
    label: "W2",
    kind: "train",
    sizes: SMALL,
    batchSize: 32,
    learningRate: 0.1,
    target: {against: "tfjs-wasm", factor: 2},
    description: "train 784-16-16-10, batch 32, η = 0.1, one epoch",
  },
  {
    id: "W3-b1",
    label: "W3 batch 1",
    kind: "infer-1",
    sizes: SMALL,
    target: {against: "best-peer", factor: 1.2},
    description: "inference, 784-16-16-10 at the initial weights, one sample per call, 10,000 test images",
  },
  {
    id: "W3-batched",
    label: "W3 batched",
    kind: "infer-batch",
    sizes: SMALL,
    target: {against: "tfjs-wasm", factor: 2},
    description: "inference, 784-16-16-10 at the initial weights, batches of 1,000, 10,000 test images",
  },
  {
    id: "W4",
    label: "W4",
    kind: "train",
    sizes: WIDE,
    batchSize: 32,
    learningRate: 0.1,
    target: {against: "tfjs-wasm", factor: 2},
    description: "train 784-128-64-10, batch 32, η = 0.1, one epoch",
  },
  {
    id: "W5",
    label: "W5 conv",
    kind: "train",
    sizes: [784, 10],
    conv: LENET,
    batchSize: 32,
    learningRate: 0.1,
    budgetFactor: 2,
    target: {against: "tfjs-wasm", factor: 1},
    description: "train the LeNet-style conv net (conv 8×5×5, max-pool 2, conv 16×5×5, max-pool 2, dense 10), batch 32, η = 0.1, one epoch",
  },
];

export interface LibInfo {
  id: LibId;
  /** Runner file in bench/peers/. */
  runner: string;
  /** An external library (counts as a peer for "best peer"); plain-f32 and ours do not. */
  peer: boolean;
  /** Computes exactly our model (same init, order, loss, update), so its accuracy should match ours. */
  sameModel: boolean;
  /** Arithmetic of the weights and activations. */
  precision: "float64" | "float32";
  /** Why this library cannot run a workload, or null when it can. */
  skip(workload: Workload): string | null;
}

export const LIBS: LibInfo[] = [
  {id: "ours", precision: "float64", runner: "ours.ts", peer: false, sameModel: true, skip: () => null},
  {id: "plain-f32", precision: "float32", runner: "plain-f32.ts", peer: true, sameModel: true, skip: (w) => (w.conv ? "fully-connected loop only" : null)},
  {id: "tfjs-cpu", precision: "float32", runner: "tfjs.ts", peer: true, sameModel: true, skip: () => null},
  {id: "tfjs-wasm", precision: "float32", runner: "tfjs.ts", peer: true, sameModel: true, skip: () => null},
  {
    id: "convnetjs",
    precision: "float64",
    runner: "convnetjs.ts",
    peer: true,
    sameModel: true,
    skip: (w) => (w.conv ? "its runner builds fully-connected nets only (ConvNetJS's conv layers store channels last; not wired up)" : null),
  },
  {
    id: "brain.js",
    precision: "float32",
    runner: "brainjs.ts",
    peer: true,
    sameModel: false,
    skip: (w) => (w.conv ? "no convolutional layers in brain.js NeuralNetwork" : w.kind === "train" && (w.batchSize ?? 1) > 1 ? "no minibatch training in brain.js NeuralNetwork" : null),
  },
];

/**
 * Picks items by a comma list: a token selects the ids equal to it or starting with it
 * followed by "-" (so "W3" selects W3-b1 and W3-batched, "tfjs" both tfjs backends).
 * throws Error naming a token that selects nothing.
 */
export function select<T extends {id: string}>(items: T[], list: string | undefined, what: string): T[] {
  if (!list) return items;
  const tokens = list
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  for (const t of tokens) {
    if (!items.some((item) => matches(item.id, t))) throw new Error(`unknown ${what} "${t}" (expected one of ${items.map((i) => i.id).join(", ")})`);
  }
  return items.filter((item) => tokens.some((t) => matches(item.id, t)));
}

const matches = (id: string, token: string): boolean => id.toLowerCase() === token || id.toLowerCase().startsWith(`${token}-`);
