// The Convolutions page's experiment (experiments/conv.ts): the run a set of controls defines, the
// command that repeats it, the dense twin, and the parameter counts the page quotes.
import {describe, expect, it} from "vitest";
import {ConvNetwork, LENET_LAYERS, Network} from "../../src/components/nn/index.js";
import {convCommand, convRun, convSchema, denseTwin, parameterRows, sharingCounts, updatesIn} from "../../src/components/experiments/conv.js";
import {defaults} from "../../src/components/experiments/params.js";
import {MNIST_LAYERS} from "../../src/components/experiments/mnist.js";
import {convConfigFor} from "../../bin/train.js";

const values = defaults(convSchema);

describe("convRun", () => {
  it("builds the CLI's --arch conv network (LENET_LAYERS, ReLU, He) with the seed, and classical momentum", () => {
    const {network, training} = convRun(values);
    expect(network).toEqual(convConfigFor({activation: "relu", init: "he-normal", seed: 1}, 28));
    expect(network.layers).toBe(LENET_LAYERS);
    expect(training).toEqual({learningRate: 0.05, batchSize: 32, optimizer: "momentum", momentum: 0.9});
    expect(convRun({...values, momentum: 0}).training.optimizer).toBe("sgd");
  });

  it("gives a cosine schedule its horizon in updates of the page's subset", () => {
    expect(convRun({...values, schedule: "cosine", horizon: 2}).training).toMatchObject({schedule: "cosine", totalSteps: 2 * 938});
    expect(updatesIn(1, 30000, 32)).toBe(938);
    expect(updatesIn(3, 10, 64)).toBe(3);
  });
});

describe("convCommand", () => {
  it("names the architecture, the subset, every control and the schedule", () => {
    expect(convCommand(values, 12)).toBe(
      "npm run -s train -- --arch conv --subset page --activation relu --init he-normal --lr 0.05 --batch 32 --momentum 0.9 --seed 1 --schedule constant --steps 12",
    );
    expect(convCommand({...values, schedule: "cosine"}, 5)).toContain("--schedule cosine --horizon 1 --steps 5");
    expect(convCommand({...values, horizon: 4}, 5)).toContain("--schedule constant --horizon 4 --steps 5");
  });
});

describe("denseTwin", () => {
  it("is the MNIST page's default run with this page's batch and seed", () => {
    const twin = denseTwin({batch: 16, seed: 9});
    expect(twin.network.layers).toEqual(MNIST_LAYERS);
    expect(twin.network.seed).toBe(9);
    expect(twin.training).toMatchObject({learningRate: 0.01, batchSize: 16, optimizer: "momentum", momentum: 0.9});
    expect(twin.command(7)).toContain("--batch 16 --momentum 0.9 --seed 9");
    expect(twin.command(7)).toMatch(/--steps 7$/);
  });
});

describe("parameterRows / sharingCounts", () => {
  const conv = new ConvNetwork(convRun(values).network);

  it("count the LeNet-style network's 5,994 parameters layer by layer", () => {
    const rows = parameterRows(conv);
    expect(rows.map((r) => [r.name, r.weights, r.biases, r.total])).toEqual([
      ["conv 1", 8 * 25, 8, 208],
      ["conv 2", 16 * 8 * 25, 16, 3216],
      ["dense (output)", 10 * 16 * 4 * 4, 10, 2570],
    ]);
    expect(rows[1].shape).toBe("16 kernels of 8 × 5 × 5");
    expect(rows.reduce((s, r) => s + r.total, 0)).toBe(conv.parameterCount);
    expect(conv.parameterCount).toBe(5994);
  });

  it("count the dense network's 13,002 parameters", () => {
    const rows = parameterRows(MNIST_LAYERS);
    expect(rows.map((r) => r.total)).toEqual([12560, 272, 170]);
    expect(rows.reduce((s, r) => s + r.total, 0)).toBe(new Network({layers: MNIST_LAYERS, activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 1}).parameterCount);
  });

  it("say what sharing saves: the first conv layer unshared and fully connected", () => {
    const [conv1, conv2] = conv.layers.filter((l) => l.type === "conv") as Parameters<typeof sharingCounts>[0][];
    expect(sharingCounts(conv1)).toEqual({outputs: 4608, shared: 208, unshared: 4608 * 26, dense: 4608 * 785});
    expect(sharingCounts(conv2)).toEqual({outputs: 1024, shared: 3216, unshared: 1024 * 201, dense: 1024 * (8 * 12 * 12 + 1)});
  });
});
