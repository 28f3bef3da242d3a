import {describe, expect, it} from "vitest";
import {program, train} from "../../bin/train.js";
import {fingerprint, Network, pixelSamples, Trainer} from "../../src/components/nn/index.js";
import {defaults} from "../../src/components/runs/params.js";
import {labCommand, labProblem, labRun, labSchema, LAB_LAYERS} from "../../src/components/runs/lab.js";
import {labSet} from "../../src/components/datasets/lab-node.js";

const parse = (command: string) => program().exitOverride().parse(command.replace(/^npm run -s train -- /, "").split(" "), {from: "user"}).opts();

describe("labCommand(values, steps)", () => {
  it("makes the CLI train the page's run to the same fingerprint", () => {
    const values = {...defaults(labSchema), lr: 0.03, batch: 8, seed: 5};
    const steps = 40;
    // The page's run: the lab's config on the fixed procedural set, trained by the module directly.
    const {network: config, training} = labRun(values);
    const set = labSet("procedural", "train");
    const network = new Network(config);
    new Trainer(network, pixelSamples(set.pixels, set.labels, 256), training).run(steps);
    const result = train({...parse(labCommand(values, steps)), quiet: true});
    expect(result.config.network.layers).toEqual(LAB_LAYERS);
    expect(result.steps).toBe(steps);
    expect(result.fingerprint).toBe(fingerprint(network.layers));
  });
});

describe("labProblem(values, trainCount)", () => {
  it("refuses a minibatch of 0 or above the training set, η ≤ 0 or not finite, and μ ≥ 1, naming the value", () => {
    expect(labProblem({lr: 0.05, batch: 0, momentum: 0.9}, 6000)).toMatch(/Minibatch size 0/);
    expect(labProblem({lr: 0.05, batch: 6001, momentum: 0.9}, 6000)).toMatch(/Minibatch size 6001/);
    expect(labProblem({lr: 0, batch: 16, momentum: 0.9}, 6000)).toMatch(/η = 0/);
    expect(labProblem({lr: NaN, batch: 16, momentum: 0.9}, 6000)).toMatch(/η = NaN/);
    expect(labProblem({lr: 0.05, batch: 16, momentum: 1}, 6000)).toMatch(/μ = 1/);
    expect(labProblem({lr: 0.05, batch: 16, momentum: 0.9}, 6000)).toBe("");
  });
});
