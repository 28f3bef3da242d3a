// What the pages' "What to try" lists promise, measured with the pages' own configurations.
import {describe, expect, it} from "vitest";
import {deadUnits, evaluate, Network, pixelSamples, Trainer, type Samples} from "../../src/components/nn/index.js";
import {defaults} from "../../src/components/experiments/params.js";
import {labRun, labSchema} from "../../src/components/experiments/lab.js";
import {mnistRun, mnistSchema, MNIST_LAYERS} from "../../src/components/experiments/mnist.js";
import {labSet} from "../../src/components/datasets/lab-node.js";
import {deadLayer} from "../../src/components/runs/diagnoses.js";

const lab = (dataset: "procedural" | "mnist16") => {
  const train = labSet(dataset, "train"),
    test = labSet(dataset, "test");
  return {train: pixelSamples(train.pixels, train.labels, 256), test: pixelSamples(test.pixels, test.labels, 256)};
};

/** One epoch of the lab's run at `values`; the test accuracy and the dead hidden units. */
function labEpoch(values: ReturnType<typeof defaults<typeof labSchema>>, sets: {train: Samples; test: Samples}) {
  const {network: config, training} = labRun(values);
  const network = new Network(config);
  const trainer = new Trainer(network, sets.train, training);
  trainer.run(Math.ceil(sets.train.count / values.batch));
  return {accuracy: evaluate(network, sets.test).accuracy, dead: deadUnits(network, sets.test)};
}

describe("the neuron lab's suggestions", () => {
  const procedural = lab("procedural");
  it("Train on procedural digits passes 90 % within the first epoch, and MNIST16 after one epoch stays well below it", () => {
    const values = defaults(labSchema);
    const p = labEpoch(values, procedural);
    const m = labEpoch({...values, dataset: "mnist16"}, lab("mnist16"));
    expect(p.accuracy).toBeGreaterThan(0.9);
    expect(m.accuracy).toBeLessThan(p.accuracy - 0.1);
  });

  it("η = 5 silences the ReLUs and accuracy sinks to chance (about 10 %)", () => {
    const r = labEpoch({...defaults(labSchema), lr: 5}, procedural);
    expect(r.accuracy).toBeLessThan(0.15);
    expect(r.dead.dead.some((layer) => layer.every((d) => d === 1))).toBe(true);
  });
});

describe("the MNIST page's suggestion about zero initial weights", () => {
  // 200 synthetic 784-pixel digits are enough for what the claim is about: symmetry, not accuracy.
  const inputs = Array.from({length: 200}, (_, i) => Float64Array.from({length: 784}, (_, k) => ((i * 31 + k * 7) % 17) / 17));
  const samples: Samples = {count: 200, inputSize: 784, labels: inputs.map((_, i) => i % 10), input: (i, out) => out.set(inputs[i])};

  it("with ReLU (or tanh) every hidden activation is 0 and the dead-layer diagnosis stops the run at once, blaming the zeros", () => {
    for (const activation of ["relu", "tanh"] as const) {
      const {network} = mnistRun({...defaults(mnistSchema), activation, init: "zeros"}, MNIST_LAYERS);
      expect(deadLayer(new Network(network), samples)?.code, activation).toBe("zero-init");
    }
  });

  it("with sigmoid the units of a layer get identical updates and stay identical", () => {
    const {network: config, training} = mnistRun({...defaults(mnistSchema), activation: "sigmoid", init: "zeros"}, MNIST_LAYERS);
    const network = new Network(config);
    new Trainer(network, samples, training).run(30);
    const rows = network.layers[0];
    const row = (j: number) => Array.from(rows.weights.subarray(j * rows.fanIn, (j + 1) * rows.fanIn));
    expect(row(0).some((w) => w !== 0)).toBe(true);
    for (let j = 1; j < rows.fanOut; j++) expect(row(j)).toEqual(row(0));
  });
});

describe("the experiment page's suggestions", () => {
  it("the two searches its prose offers as the controller's third argument are valid and plan their runs on its grid", async () => {
    const {readFileSync} = await import("node:fs");
    const {validateGrid, planStage} = await import("../../src/components/runs/sweep.js");
    const {validateSearch} = await import("../../src/components/runs/search.js");
    const page = readFileSync(new URL("../../src/experiment.md", import.meta.url), "utf8");
    const offered = [...page.matchAll(/`(\{kind: "(?:random|asha)".*?\})`/g)].map((m) => m[1]);
    expect(offered).toHaveLength(2);
    // The page's grid, as its cell writes it.
    const cell = /const grid = validateGrid\((\{[\s\S]*?\})\);/.exec(page)![1];
    const grid = validateGrid(new Function(`return ${cell}`)());
    for (const text of offered) {
      const search = validateSearch(new Function(`return ${text}`)());
      const runs = planStage(grid, search, 1, []);
      expect(runs.length).toBe(search.kind === "asha" ? search.trials * grid.seeds : (search as {trials: number}).trials * grid.seeds);
      expect(runs.every((r) => r.config.lr >= 0.003 && r.config.lr <= 0.3)).toBe(true);
    }
  });
});
