// The MNIST page's Load: which settings a network file gives the controls, and what it refuses.
import {describe, expect, it} from "vitest";
import {fingerprint, Network, NetworkFileError, toJSON} from "../../src/components/nn/index.js";
import {MAX_LOADED_PARAMETER, readMnistFile} from "../../src/components/experiments/mnist-file.js";
import {mnistRun, mnistSchema, type MnistValues} from "../../src/components/experiments/mnist.js";
import {defaults} from "../../src/components/experiments/params.js";

const page: MnistValues = defaults(mnistSchema);
const cliValues: MnistValues = {activation: "tanh", init: "xavier-normal", optimizer: "sgd", lr: 0.05, batch: 16, momentum: 0.5, seed: 7};

/** A file as `train --out` writes it: meta {training, subset, steps, samplesSeen}. */
function cliFile(values = cliValues, edit: (file: ReturnType<typeof toJSON>) => void = () => {}): string {
  const {network, training} = mnistRun(values);
  const file = toJSON(new Network(network), {training, subset: "page", steps: 5, samplesSeen: 80});
  edit(file);
  return JSON.stringify(file);
}

describe("readMnistFile", () => {
  it("takes η, B, μ and the optimiser from the training options train --out wrote", () => {
    const read = readMnistFile(cliFile(), "net.json", page);
    // Issue 17's options, absent from the file, mean their defaults.
    expect(read.values).toEqual({...page, ...cliValues});
    expect(read).toMatchObject({source: "cli", missing: [], steps: 5, samplesSeen: 80});
    // Adam, and plain SGD (μ = 0) come back as the page's optimiser choice.
    expect(readMnistFile(cliFile({...cliValues, optimizer: "adam", momentum: 0.9}), "a.json", page).values).toMatchObject({optimizer: "adam", momentum: 0.9});
    expect(readMnistFile(cliFile({...cliValues, momentum: 0}), "s.json", page).values).toMatchObject({optimizer: "sgd", momentum: 0});
  });

  it("takes the page's own values from a file the page saved", () => {
    const {network} = mnistRun(cliValues);
    const text = JSON.stringify(toJSON(new Network(network), {page: "mnist", values: cliValues, steps: 3, samplesSeen: 48}));
    expect(readMnistFile(text, "p.json", page)).toMatchObject({values: cliValues, source: "page", missing: [], steps: 3});
  });

  it("says which settings a file without training options leaves at the page's values", () => {
    const {network} = mnistRun(cliValues);
    const read = readMnistFile(JSON.stringify(toJSON(new Network(network))), "bare.json", page);
    expect(read.missing).toEqual(["the optimiser", "η", "B", "μ"]);
    expect(read.values).toEqual({...page, activation: "tanh", init: "xavier-normal", seed: 7});
  });

  it("reports a refused value as the file's problem, naming the file, not as a URL parameter", () => {
    const text = cliFile(cliValues, (f) => ((f.meta!.training as {learningRate: number}).learningRate = 50));
    expect(() => readMnistFile(text, "x.json", page)).toThrow(NetworkFileError);
    expect(() => readMnistFile(text, "x.json", page)).toThrow("file x.json: lr 50 refused (expected a number from 0.0001 to 10)");
    const saved = JSON.stringify(toJSON(new Network(mnistRun(cliValues).network), {page: "mnist", values: {...cliValues, batch: 0}}));
    expect(() => readMnistFile(saved, "y.json", page)).toThrow(/^file y\.json: batch 0 refused/);
    expect(() => readMnistFile(saved, "y.json", page)).not.toThrow(/URL parameter/);
  });

  it("refuses weights of 1e300 (finite, but no view can draw them) before any view sees them", () => {
    const text = cliFile(cliValues, (f) => {
      f.layers[1].weights[4] = 1e300;
      const net = new Network(
        f.config,
        f.layers.map((l) => ({...l, weights: Float64Array.from(l.weights), biases: Float64Array.from(l.biases)})),
      );
      f.fingerprint = fingerprint(net.layers);
    });
    expect(() => readMnistFile(text, "huge.json", page)).toThrow(NetworkFileError);
    expect(() => readMnistFile(text, "huge.json", page)).toThrow(`layers[1].weights[4]: 1e+300 is too large; this page loads weights and biases up to ±${MAX_LOADED_PARAMETER.toLocaleString("en")}`);
  });
});
