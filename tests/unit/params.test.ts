import {describe, expect, it} from "vitest";
import fc from "fast-check";
import {defaults, readParams, writeParams, shorten, MAX_QUOTED} from "../../src/components/experiments/params.js";
import {mnistCommand, mnistRun, mnistSchema, MNIST_LAYERS, type MnistValues} from "../../src/components/experiments/mnist.js";
import {activationNames, initNames, scheduleNames} from "../../src/components/nn/index.js";
import {program, runFromFlags, type TrainFlags} from "../../bin/train.js";

const expectedDefaults: Required<MnistValues> = {
  activation: "relu",
  init: "he-normal",
  optimizer: "sgd",
  lr: 0.01,
  batch: 32,
  momentum: 0.9,
  seed: 1,
  "weight-decay": 0,
  nesterov: "off",
  dropout: 0,
  schedule: "constant",
  warmup: 0,
  horizon: 3,
};

/** Any value set the schema accepts (no −0: a URL cannot tell it from 0). */
const validValues: fc.Arbitrary<Required<MnistValues>> = fc.record({
  activation: fc.constantFrom(...activationNames),
  init: fc.constantFrom(...initNames),
  optimizer: fc.constantFrom("sgd" as const, "adam" as const, "adamw" as const),
  lr: fc.double({min: 1e-4, max: 10, noNaN: true}).map((x) => x + 0),
  batch: fc.integer({min: 1, max: 1000}),
  momentum: fc.oneof(
    fc.constant(0),
    fc.constant(0.9),
    fc.double({min: 0, max: 0.99, noNaN: true}).map((x) => x + 0),
  ),
  seed: fc.integer({min: 0, max: 2 ** 31 - 1}),
  "weight-decay": fc.oneof(
    fc.constant(0),
    fc.double({min: 0, max: 1, noNaN: true}).map((x) => x + 0),
  ),
  nesterov: fc.constantFrom("off" as const, "on" as const),
  dropout: fc.oneof(
    fc.constant(0),
    fc.double({min: 0, max: 0.99, noNaN: true}).map((x) => x + 0),
  ),
  schedule: fc.constantFrom(...scheduleNames),
  warmup: fc.integer({min: 0, max: 100_000}),
  horizon: fc.integer({min: 1, max: 100}),
});

describe("defaults", () => {
  it("are the MNIST page's documented settings", () => {
    expect(defaults(mnistSchema)).toEqual(expectedDefaults);
  });
});

describe("readParams", () => {
  it("gives the defaults and no problems for an empty query (with or without '?')", () => {
    for (const search of ["", "?"]) expect(readParams(mnistSchema, search)).toEqual({values: expectedDefaults, problems: []});
  });

  it("parses valid numbers and choices", () => {
    const {values, problems} = readParams(mnistSchema, "?lr=0.5&batch=10&activation=tanh&init=xavier-uniform&optimizer=adam&momentum=0&seed=2147483647");
    expect(problems).toEqual([]);
    expect(values).toEqual({...expectedDefaults, activation: "tanh", init: "xavier-uniform", optimizer: "adam", lr: 0.5, batch: 10, momentum: 0, seed: 2147483647});
  });

  it("accepts the bounds of each numeric range", () => {
    const {values, problems} = readParams(mnistSchema, "lr=1e-4&batch=1000&momentum=0.99&seed=0");
    expect(problems).toEqual([]);
    expect(values).toMatchObject({lr: 1e-4, batch: 1000, momentum: 0.99, seed: 0});
  });

  it.each([
    ["lr", "abc"],
    ["lr", "-1"],
    ["lr", ""],
    ["lr", "Infinity"],
    ["lr", "11"],
    ["batch", "1.5"],
    ["batch", "0"],
    ["activation", "swish"],
    ["activation", "RELU"],
    ["init", "magic"],
    ["optimizer", "momentum"],
    ["momentum", "1"],
    ["seed", "-3"],
  ] as const)("%s=%j falls back to the default with one problem naming the key and the value", (key, text) => {
    const {values, problems} = readParams(mnistSchema, `?${key}=${encodeURIComponent(text)}&seed=7`);
    expect(values).toEqual({...expectedDefaults, ...(key === "seed" ? {} : {seed: 7})});
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(key);
    expect(problems[0]).toContain(JSON.stringify(text));
    // …and says what it uses instead.
    expect(problems[0]).toContain(mnistSchema[key].format(mnistSchema[key].default as never));
  });

  it("reports one problem per bad key and keeps the good ones", () => {
    const {values, problems} = readParams(mnistSchema, "lr=abc&batch=0&momentum=0.5");
    expect(values).toEqual({...expectedDefaults, momentum: 0.5});
    expect(problems).toHaveLength(2);
    expect(problems.find((p) => p.includes("lr"))).toBeDefined();
    expect(problems.find((p) => p.includes("batch"))).toBeDefined();
  });

  it("ignores unknown keys", () => {
    expect(readParams(mnistSchema, "?foo=1&layers=1,2&lr=0.1&LR=5")).toEqual({values: {...expectedDefaults, lr: 0.1}, problems: []});
  });
});

describe("writeParams", () => {
  it("writes nothing for the defaults", () => {
    expect(writeParams(mnistSchema, defaults(mnistSchema))).toBe("");
  });

  it("writes only the values that differ from the defaults", () => {
    const search = writeParams(mnistSchema, {...expectedDefaults, lr: 0.1, activation: "tanh"});
    expect(search.startsWith("?")).toBe(true);
    expect(Object.fromEntries(new URLSearchParams(search))).toEqual({lr: "0.1", activation: "tanh"});
  });

  it("readParams(writeParams(v)) gives v back with no problems, for any valid v", () => {
    fc.assert(
      fc.property(validValues, (v) => {
        const {values, problems} = readParams(mnistSchema, writeParams(mnistSchema, v));
        expect(problems).toEqual([]);
        expect(values).toEqual(v);
      }),
      {numRuns: 300},
    );
  });
});

describe("mnistRun", () => {
  it("maps sgd with momentum > 0 to classical momentum", () => {
    const {training} = mnistRun({...expectedDefaults, optimizer: "sgd", momentum: 0.5});
    expect(training).toMatchObject({optimizer: "momentum", momentum: 0.5, learningRate: 0.01, batchSize: 32});
  });

  it("maps sgd with momentum 0 to plain sgd", () => {
    expect(mnistRun({...expectedDefaults, momentum: 0}).training.optimizer).toBe("sgd");
  });

  it("maps adam to adam whatever the momentum", () => {
    expect(mnistRun({...expectedDefaults, optimizer: "adam", momentum: 0.9}).training.optimizer).toBe("adam");
    expect(mnistRun({...expectedDefaults, optimizer: "adam", momentum: 0}).training.optimizer).toBe("adam");
  });

  it("uses 784→16→16→10 and a softmax head by default, carrying activation, init and seed", () => {
    const {network} = mnistRun({...expectedDefaults, activation: "sigmoid", init: "zeros", seed: 9});
    expect(MNIST_LAYERS).toEqual([784, 16, 16, 10]);
    expect(network).toEqual({layers: [784, 16, 16, 10], activation: "sigmoid", head: "softmax-cross-entropy", init: "zeros", seed: 9});
  });

  it("uses the given layers", () => {
    expect(mnistRun(expectedDefaults, [784, 32, 10]).network.layers).toEqual([784, 32, 10]);
  });
});

describe("mnistCommand", () => {
  it("contains every flag with its value, the page subset and the steps", () => {
    const values: MnistValues = {activation: "tanh", init: "xavier-normal", optimizer: "adam", lr: 0.003, batch: 64, momentum: 0, seed: 42};
    const command = mnistCommand(values, 250);
    expect(command.startsWith("npm run -s train -- ")).toBe(true);
    for (const flag of ["--subset page", "--activation tanh", "--init xavier-normal", "--optimizer adam", "--lr 0.003", "--batch 64", "--momentum 0", "--seed 42", "--steps 250"]) {
      expect(command.split(" --").map((s, i) => (i ? "--" + s : s))).toContain(flag);
    }
  });

  it("parses back through the CLI into the same run, for any valid values", () => {
    fc.assert(
      fc.property(validValues, fc.integer({min: 0, max: 10_000}), (v, steps) => {
        const args = mnistCommand(v, steps).split(" ");
        expect(args.slice(0, 5)).toEqual(["npm", "run", "-s", "train", "--"]);
        const command = program()
          .exitOverride()
          .configureOutput({writeErr: () => {}, writeOut: () => {}});
        command.parse(args.slice(5), {from: "user"});
        const o = command.opts();
        expect(o.subset).toBe("page");
        expect(o.steps).toBe(steps);
        // The CLI writes every option out, at its default too; the page's run leaves defaults out.
        const parsed = runFromFlags(o as TrainFlags, o.layers, steps, Math.ceil(30_000 / Math.min(v.batch, 30_000)));
        const page = mnistRun(v);
        expect(parsed.network).toEqual(page.network);
        expect(parsed.training).toEqual({weightDecay: 0, nesterov: false, dropout: 0, schedule: "constant", warmup: 0, ...page.training});
      }),
      {numRuns: 200},
    );
  });
});

describe("one learning-rate range for the URL, the page and the CLI", () => {
  it("accepts η = 10 and keeps exact values, refuses η outside [1e-4, 10]", () => {
    expect(readParams(mnistSchema, "lr=10").problems).toEqual([]);
    expect(readParams(mnistSchema, "lr=0.0123456789").values.lr).toBe(0.0123456789);
    expect(readParams(mnistSchema, "momentum=0.555").values.momentum).toBe(0.555);
    for (const bad of ["0.00005", "10.5", "0", "-1"]) expect(readParams(mnistSchema, `lr=${bad}`).problems[0]).toMatch(/expected a number from 0\.0001 to 10/);
  });
});

describe("shorten", () => {
  it("quotes a short value whole and a long one cut, with its length", () => {
    expect(shorten("fast")).toBe("fast");
    const long = "9".repeat(10_000);
    expect(shorten(long)).toBe(`${"9".repeat(MAX_QUOTED)}… (10,000 characters)`);
  });

  it("keeps a problem message short however long the URL value", () => {
    const {problems} = readParams(mnistSchema, `lr=${"x".repeat(10_000)}`);
    expect(problems).toHaveLength(1);
    expect(problems[0].length).toBeLessThan(160);
    expect(problems[0]).toContain("10,000 characters");
  });
});

describe("trainCommand and the pages' commands", () => {
  it("prints each flag with its value as held, in order; the MNIST and lab commands keep their exact form", async () => {
    const {trainCommand} = await import("../../src/components/experiments/params.js");
    const {mnistCommand} = await import("../../src/components/experiments/mnist.js");
    const {labCommand} = await import("../../src/components/experiments/lab.js");
    expect(trainCommand({subset: "page", lr: 0.0123456789})).toBe("npm run -s train -- --subset page --lr 0.0123456789");
    expect(mnistCommand({activation: "relu", init: "he-normal", optimizer: "sgd", lr: 0.01, batch: 32, momentum: 0.9, seed: 1}, 12)).toBe(
      "npm run -s train -- --subset page --activation relu --init he-normal --optimizer sgd --lr 0.01 --batch 32 --momentum 0.9 --seed 1 --steps 12",
    );
    expect(labCommand({dataset: "mnist16", lr: 0.1, batch: 8, momentum: 0.5, seed: 3}, 6)).toBe(
      "npm run -s train -- --dataset mnist16 --layers 256,16,12,10 --activation relu --init he-normal --optimizer sgd --lr 0.1 --batch 8 --momentum 0.5 --seed 3 --steps 6",
    );
  });
});
