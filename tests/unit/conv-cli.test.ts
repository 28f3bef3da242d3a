// The train CLI's --arch conv: the LeNet-style network, its own η default, its file, and the flags it refuses.
import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {CONV_DEFAULTS, main, type TrainResult} from "../../bin/train.js";
import {ConvNetwork, convFromJSON, fingerprint, LENET_LAYERS, pixelSamples, Trainer} from "../../src/components/nn/index.js";
import {labSet} from "../../src/components/datasets/lab-node.js";
import {capture} from "./capture.js";

const run = (args: string[]) => capture(() => main(args));

const dir = mkdtempSync(join(tmpdir(), "conv-cli-"));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

describe("train --arch conv", () => {
  it("trains the LeNet-style network with η 0.05 on a cosine schedule by default: the Trainer's fingerprint, a conv file with it", () => {
    const out = join(dir, "conv.json");
    const r = run(["--arch", "conv", "--dataset", "procedural", "--steps", "12", "--quiet", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as TrainResult;
    expect(result.config.network).toEqual({input: [1, 16, 16], layers: LENET_LAYERS, activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 1});
    expect(result.config.training).toMatchObject({learningRate: CONV_DEFAULTS.lr, batchSize: 32, optimizer: "momentum", momentum: 0.9, schedule: "cosine", totalSteps: 12});
    expect(result.steps).toBe(12);
    // The same run through the module.
    const set = labSet("procedural", "train");
    const network = new ConvNetwork({input: [1, 16, 16], layers: LENET_LAYERS, activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 1});
    expect(result.initialFingerprint).toBe(fingerprint(network.layers));
    new Trainer(network, pixelSamples(set.pixels, set.labels, 256), result.config.training).run(12);
    expect(result.fingerprint).toBe(fingerprint(network.layers));
    const saved = convFromJSON(readFileSync(out, "utf8"));
    expect(fingerprint(saved.layers)).toBe(result.fingerprint);
    // --lr and --schedule given win over the conv defaults.
    const slower = JSON.parse(run(["--arch", "conv", "--dataset", "procedural", "--steps", "2", "--lr", "0.01", "--schedule", "constant", "--quiet"]).stdout) as TrainResult;
    expect(slower.config.training).toMatchObject({learningRate: 0.01, schedule: "constant"});
  });

  it.each([
    [["--layers", "784,10"], "--layers has no effect with --arch conv"],
    [["--dropout", "0.1"], "--dropout 0.1 with --arch conv: dropout is for fully-connected networks"],
    [["--lr-find"], "--lr-find is for --arch dense"],
    [["--arch", "cnn"], "--arch"],
  ])("refuses %j with exit 2 and says why", (flags, message) => {
    const r = run(["--arch", "conv", "--quiet", ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe("");
  });
});
