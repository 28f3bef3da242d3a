import {describe, expect, it} from "vitest";
import {program, train} from "../../bin/train.js";
import {fingerprint, Network, pixelSamples, Trainer} from "../../src/components/nn/index.js";
import {defaults} from "../../src/components/experiments/params.js";
import {labCommand, labRun, labSchema, LAB_LAYERS} from "../../src/components/experiments/lab.js";
import {labSet} from "../../src/components/datasets/lab-node.js";

const parse = (command: string) =>
  program()
    .exitOverride()
    .parse(command.replace(/^npm run -s train -- /, "").split(" "), {from: "user"})
    .opts();

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

describe("labCommand with the advanced options", () => {
  it.each([
    {"weight-decay": 0.001, nesterov: "on", dropout: 0.2, schedule: "cosine", warmup: 10, horizon: 2},
    {schedule: "one-cycle", horizon: 1},
  ] as const)("reproduces the page's run with %j", (advanced) => {
    const values = {...defaults(labSchema), lr: 0.03, batch: 8, seed: 5, ...advanced};
    const steps = 30;
    const {network: config, training} = labRun(values);
    expect(training.schedule).toBe(advanced.schedule);
    expect(training.totalSteps).toBe(advanced.horizon * Math.ceil(6000 / 8));
    const set = labSet("procedural", "train");
    const network = new Network(config);
    new Trainer(network, pixelSamples(set.pixels, set.labels, 256), training).run(steps);
    const command = labCommand(values, steps);
    expect(command).toContain(`--schedule ${advanced.schedule}`);
    expect(train({...parse(command), quiet: true}).fingerprint).toBe(fingerprint(network.layers));
  });
});

describe("labSchema", () => {
  it("refuses a minibatch of 0 or above the training set, η outside 1e-4 … 10, μ ≥ 1 and a fractional seed, saying why", () => {
    expect(() => labSchema.batch.parse("0")).toThrow(/from 1 to 6000/);
    expect(() => labSchema.batch.parse("6001")).toThrow(/from 1 to 6000/);
    expect(() => labSchema.batch.parse("2.5")).toThrow(/whole number/);
    expect(() => labSchema.lr.parse("0")).toThrow(/from 0.0001 to 10/);
    expect(() => labSchema.lr.parse("NaN")).toThrow(/a number/);
    expect(() => labSchema.momentum.parse("1")).toThrow(/from 0 to 0.99/);
    expect(() => labSchema.seed.parse("1.5")).toThrow(/whole number/);
    expect(labSchema.lr.parse("0.1")).toBe(0.1);
    expect(labSchema.momentum.parse("0.5")).toBe(0.5);
    expect(labSchema.batch.integer).toBe(true);
    expect(labSchema.dataset.options).toEqual(["procedural", "mnist16"]);
  });
});
