import {execFile} from "node:child_process";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {checkOut, main, program, type TrainResult} from "../../bin/train.js";
import {fingerprint, fromJSON, Network, pixelSamples, Trainer} from "../../src/components/nn/index.js";
import {readMnist} from "../../src/components/datasets/mnist-node.js";
import {selectSubset} from "../../src/components/datasets/subsets.js";
import {defaults} from "../../src/components/experiments/params.js";
import {mnistCommand, mnistRun, mnistSchema} from "../../src/components/experiments/mnist.js";
import {capture} from "./capture.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

interface Exit {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node --import tsx bin/train.ts …args` from the repo root. */
function cli(args: string[]): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "bin/train.ts", ...args], {cwd: root, encoding: "utf8", maxBuffer: 64 << 20}, (error, stdout, stderr) => {
      const status = error ? ((error as {code?: unknown}).code as number | null) : 0;
      resolve({status: typeof status === "number" ? status : null, stdout, stderr});
    });
  });
}

/** The single JSON object a successful run prints (throws if stdout holds anything else). */
function result(exit: Exit): TrainResult {
  expect(exit.status, exit.stderr).toBe(0);
  return JSON.parse(exit.stdout) as TrainResult;
}

const small = ["--train", "2000", "--test", "500", "--epochs", "1", "--quiet"];
const dir = mkdtempSync(join(tmpdir(), "train-cli-"));
const outFile = join(dir, "net.json");

// The subprocesses are independent, so they run at once (each takes about a second).
let runs: Record<"seed3" | "seed3again" | "seed4" | "page" | "bogus" | "lrNegative" | "tooMany" | "layers", Exit>;
beforeAll(async () => {
  const [seed3, seed3again, seed4, page, bogus, lrNegative, tooMany, layers] = await Promise.all([
    cli([...small, "--seed", "3"]),
    cli([...small, "--seed", "3"]),
    cli([...small, "--seed", "4"]),
    cli(["--subset", "page", "--steps", "5", "--quiet", "--out", outFile]),
    cli(["--bogus"]),
    cli(["--lr", "-1", "--quiet"]),
    cli(["--train", "70000", "--quiet"]),
    cli(["--layers", "100,10", "--quiet"]),
  ]);
  runs = {seed3, seed3again, seed4, page, bogus, lrNegative, tooMany, layers};
});
afterAll(() => {
  rmSync(dir, {recursive: true, force: true});
});

/** Runs the README's documented form, `npm run -s train -- …args`, from the repo root. */
function npmTrain(args: string[]): Promise<Exit> {
  return new Promise((resolve) => {
    execFile("npm", ["run", "-s", "train", "--", ...args], {cwd: root, encoding: "utf8", maxBuffer: 64 << 20}, (error, stdout, stderr) => {
      const status = error ? ((error as {code?: unknown}).code as number | null) : 0;
      resolve({status: typeof status === "number" ? status : null, stdout, stderr});
    });
  });
}

describe("npm run -s train (the README's command)", () => {
  it("prints exactly one JSON document on stdout, so `| jq` works", async () => {
    const exit = await npmTrain(["--train", "1000", "--test", "200", "--steps", "20"]);
    expect(exit.status, exit.stderr).toBe(0);
    const parsed = JSON.parse(exit.stdout); // throws on a banner or any second document
    expect(parsed.steps).toBe(20);
    expect(exit.stdout.trim().startsWith("{")).toBe(true);
    // Progress and status lines go to stderr.
    expect(exit.stderr).toContain("reading MNIST");
  });

  it("`npm run -s train -- --lr-find` works with the defaults: one JSON document with points and a suggestion", async () => {
    const exit = await npmTrain(["--lr-find"]);
    expect(exit.status, exit.stderr).toBe(0);
    const parsed = JSON.parse(exit.stdout);
    expect(parsed.points.length).toBeGreaterThan(20);
    expect(Object.keys(parsed.suggestion).sort()).toEqual(["hi", "lo", "lr"]);
    expect(exit.stderr).toContain("suggested η =");
  });

  it("flags a run whose test loss ends above its start: warning on stderr, lossIncreased, exit 3", async () => {
    const exit = await npmTrain(["--train", "1000", "--test", "200", "--steps", "60", "--lr", "10", "--momentum", "0.9", "--activation", "sigmoid", "--quiet"]);
    const parsed = JSON.parse(exit.stdout);
    if (parsed.diverged) {
      expect(exit.status).toBe(1);
    } else {
      expect(parsed.testLoss).toBeGreaterThan(parsed.initialTestLoss);
      expect(parsed.lossIncreased).toBe(true);
      expect(exit.status).toBe(3);
      expect(exit.stderr).toMatch(/warning: the test loss rose from [\d.]+ to [\d.]+/);
    }
  });
});

describe("bin/train.ts (subprocess)", () => {
  it("a small run exits 0 and prints one JSON result with the documented fields", () => {
    const exit = runs.seed3;
    const r = result(exit);
    expect(exit.stdout.trim().startsWith("{")).toBe(true);
    const values = {...defaults(mnistSchema), seed: 3};
    const {network, training} = mnistRun(values);
    // Issue 17's options are written out at their defaults too.
    const full = {...training, weightDecay: 0, nesterov: false, dropout: 0, schedule: "constant", warmup: 0};
    expect(r.config).toEqual({network, training: full, data: {subset: "custom", train: 2000, test: 500, dataSeed: 2015}, epochs: 1, steps: Math.ceil(2000 / 32)});
    expect(r.steps).toBe(Math.ceil(2000 / 32));
    expect(r.samplesSeen).toBe(2000);
    expect(r.epochs).toBe(1);
    expect(Number.isFinite(r.trainLoss)).toBe(true);
    expect(r.trainLoss).toBeGreaterThan(0);
    expect(r.trainLoss).toBeLessThan(Math.log(10)); // better than guessing uniformly
    expect(Number.isFinite(r.testLoss)).toBe(true);
    expect(r.testAccuracy).toBeGreaterThan(0.5);
    expect(r.testAccuracy).toBeLessThanOrEqual(1);
    expect(r.testAccuracy * 500).toBeCloseTo(Math.round(r.testAccuracy * 500), 9); // a count of the 500 test images
    expect(r.samplesPerSecond).toBeGreaterThan(0);
    expect(r.fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(r.initialFingerprint).toBe(fingerprint(new Network(network).layers));
    expect(r.fingerprint).not.toBe(r.initialFingerprint);
    expect(r.diverged).toBeNull();
  });

  it("prints no progress bar (nothing at all) on stderr with --quiet", () => {
    expect(runs.seed3.stderr).toBe("");
    expect(runs.page.stderr).toBe("");
  });

  it("is deterministic: the same command gives the same fingerprint, another --seed another one", () => {
    const a = result(runs.seed3),
      b = result(runs.seed3again),
      c = result(runs.seed4);
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(b.testAccuracy).toBe(a.testAccuracy);
    expect(b.trainLoss).toBe(a.trainLoss);
    expect(c.fingerprint).not.toBe(a.fingerprint);
    expect(c.initialFingerprint).not.toBe(a.initialFingerprint);
  });

  it("--subset page --steps 5 is the MNIST page's run, update for update", () => {
    const r = result(runs.page);
    const {network: config, training} = mnistRun(defaults(mnistSchema));
    const trainSet = selectSubset("train", readMnist("train"));
    const net = new Network(config);
    const trainer = new Trainer(net, pixelSamples(trainSet.pixels, trainSet.labels, 784), training);
    expect(trainer.run(5)).toBe(5);
    expect(r.steps).toBe(5);
    expect(r.samplesSeen).toBe(5 * 32);
    expect(r.config.epochs).toBeNull();
    expect(r.config.data).toMatchObject({subset: "page", train: 30_000, test: 1000});
    expect(r.config.network).toEqual(config);
    expect(r.config.training).toEqual({...training, weightDecay: 0, nesterov: false, dropout: 0, schedule: "constant", warmup: 0});
    expect(r.fingerprint).toBe(fingerprint(net.layers));
  });

  it("--out writes a network file that fromJSON loads with the run's fingerprint", () => {
    const r = result(runs.page);
    const net = fromJSON(readFileSync(outFile, "utf8"));
    expect(fingerprint(net.layers)).toBe(r.fingerprint);
    expect(net.config).toMatchObject(r.config.network);
  });

  it.each([
    ["bogus", "--bogus"],
    ["lrNegative", "--lr"],
    ["tooMany", "--train"],
    ["layers", "--layers"],
  ] as const)("a bad flag (%s) exits 2 with a message on stderr naming it and nothing on stdout", (key, named) => {
    const exit = runs[key];
    expect(exit.status).toBe(2);
    expect(exit.stderr).toContain(named);
    expect(exit.stdout).toBe("");
  });
});

describe("main (in-process)", () => {
  const run = (args: string[]) => capture(() => main(args));

  it.each([
    [["--bogus"], "--bogus"],
    [["--lr", "-1"], "--lr"],
    [["--lr", "abc"], "--lr"],
    [["--lr", "0"], "--lr"],
    [["--lr", ""], "--lr"],
    [["--lr", "Infinity"], "--lr"],
    [["--batch", "0"], "--batch"],
    [["--batch", "1.5"], "--batch"],
    [["--batch", "-4"], "--batch"],
    [["--momentum", "1"], "--momentum"],
    [["--momentum", "-0.1"], "--momentum"],
    [["--activation", "swish"], "--activation"],
    [["--init", "magic"], "--init"],
    [["--optimizer", "rmsprop"], "--optimizer"],
    [["--layers", "784,0,10"], "--layers"],
    [["--layers", "100,10"], "--layers"],
    [["--layers", "784,16,9"], "--layers"],
    [["--layers", "784"], "--layers"],
    [["--seed", "-3"], "--seed"],
    [["--train", "5"], "--train"],
    [["--subset", "all"], "--subset"],
    [["--epochs", "0"], "--epochs"],
    // One range for η and μ everywhere (page, URL, CLI): 1e-4 to 10 and 0 to 0.99.
    [["--lr", "1e3"], "--lr must be a number from 0.0001 to 10"],
    [["--lr", "0.00005"], "--lr"],
    [["--momentum", "0.995"], "--momentum must be a number from 0 to 0.99"],
    // Sizes beyond the stated maximum are refused before anything is allocated.
    [["--layers", "784,100000,10"], "100,000 units in one layer; at most 4,096"],
    [["--layers", "784,1000000,10"], "at most 4,096"],
    [["--layers", "784,4000,400,10"], "weights and biases; at most 2,000,000"],
    // Flags the configuration would ignore are refused, naming the flag and why.
    [["--subset", "page", "--train", "5000"], "--train 5000 has no effect with --subset page: the page's train subset is fixed at 30,000 images"],
    [["--subset", "page", "--test", "200"], "--test 200 has no effect with --subset page"],
    [["--dataset", "procedural", "--train", "100"], "--train 100 has no effect with --dataset procedural: its train set is fixed at 6,000 images"],
    [["--dataset", "mnist16", "--test", "100"], "--test 100 has no effect with --dataset mnist16"],
    [["--dataset", "procedural", "--subset", "page"], "--subset page has no effect with --dataset procedural"],
    // Issue 17's options: bad values and combinations name the flag.
    [["--weight-decay", "-0.1"], "--weight-decay must be a number from 0 to 1"],
    [["--weight-decay", "2"], "--weight-decay"],
    [["--weight-decay", "abc"], "--weight-decay"],
    [["--dropout", "1"], "--dropout must be a number from 0 up to (not including) 1"],
    [["--dropout", "-0.5"], "--dropout"],
    [["--dropout", ""], "--dropout"],
    [["--schedule", "linear"], "--schedule"],
    [["--warmup", "-1"], "--warmup"],
    [["--warmup", "2.5"], "--warmup"],
    [["--horizon", "0"], "--horizon"],
    [["--optimizer", "nadam"], "--optimizer"],
    [["--nesterov", "--optimizer", "adam"], "--nesterov needs momentum"],
    [["--nesterov", "--optimizer", "adamw"], "--nesterov needs momentum"],
    [["--nesterov", "--momentum", "0"], "--nesterov needs momentum"],
    [["--horizon", "-1"], "--horizon"],
    [["--horizon-steps", "0"], "--horizon-steps"],
    [["--schedule", "cosine", "--horizon", "2", "--horizon-steps", "10"], "--horizon and --horizon-steps both set the schedule's horizon"],
    [["--lr-find", "--lr-min", "1", "--lr-max", "0.1"], "--lr-max 0.1 must be larger than --lr-min 1"],
    [["--lr-find", "--out", "x.json"], "--out has no effect with --lr-find"],
    [["--lr-find", "--lr-min", "0"], "--lr-min"],
    [["--lr-find", "--lr-find-steps", "1"], "--lr-find-steps"],
  ])("%j exits 2 naming %s on stderr, without training", (args, named) => {
    const {code, stdout, stderr} = run(args);
    expect(code).toBe(2);
    expect(stderr).toContain(named);
    expect(stdout).toBe("");
  });

  it("--out into a missing folder exits 2 naming the file before reading any data or training", () => {
    const {code, stdout, stderr} = run(["--out", "/nonexistent-folder/net.json"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--out /nonexistent-folder/net.json: folder /nonexistent-folder does not exist");
    expect(stderr).not.toContain("reading MNIST");
    expect(stdout).toBe("");
  });

  it("--out refuses to overwrite an existing file without --force, and refuses a folder", () => {
    const existing = join(dir, "existing.json");
    writeFileSync(existing, "keep me");
    const refused = run(["--out", existing]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--out ${existing} exists; pass --force to overwrite it`);
    expect(readFileSync(existing, "utf8")).toBe("keep me");
    const folder = run(["--out", dir]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`--out ${dir} is a folder`);
  });

  it("checkOut accepts a new file, and an existing one with force", () => {
    const existing = join(dir, "existing2.json");
    writeFileSync(existing, "x");
    expect(checkOut(join(dir, "new.json"))).toBe(join(dir, "new.json"));
    expect(checkOut(existing, true)).toBe(existing);
    expect(() => checkOut(existing)).toThrow(/exists; pass --force/);
  });

  it("--momentum with --optimizer adam (as the MNIST page prints it) runs, says on stderr that μ is ignored, and keeps the fingerprint", () => {
    const args = ["--dataset", "procedural", "--optimizer", "adam", "--lr", "0.001", "--steps", "20", "--quiet"];
    const withMu = run([...args, "--momentum", "0.9"]);
    const without = run(args);
    expect(withMu.code, withMu.stderr).not.toBe(2);
    expect(withMu.stderr).toContain("train: note: --momentum 0.9 is ignored with --optimizer adam");
    expect(without.stderr).not.toContain("ignored");
    expect(JSON.parse(withMu.stdout).fingerprint).toBe(JSON.parse(without.stdout).fingerprint);
    // SGD with --momentum is classical momentum: nothing ignored, nothing said.
    const sgd = run(["--dataset", "procedural", "--optimizer", "sgd", "--momentum", "0.5", "--steps", "5", "--quiet"]);
    expect(sgd.stderr).not.toContain("ignored");
    const epochs = run(["--dataset", "procedural", "--steps", "5", "--epochs", "2", "--quiet"]);
    expect(epochs.stderr).toContain("--epochs 2 is ignored: --steps 5 sets the run's length");
  });

  it("issue 17's options reach the run: a procedural run with decay, dropout, Nesterov and a schedule equals the Trainer's, and the config records them", () => {
    const args = [
      "--dataset",
      "procedural",
      "--optimizer",
      "momentum",
      "--nesterov",
      "--weight-decay",
      "0.001",
      "--dropout",
      "0.2",
      "--schedule",
      "cosine",
      "--warmup",
      "5",
      "--steps",
      "40",
      "--quiet",
    ];
    const out = run(args);
    expect(out.code, out.stderr).toBe(0);
    const r = JSON.parse(out.stdout) as TrainResult;
    expect(r.config.training).toEqual({
      learningRate: 0.01,
      batchSize: 32,
      optimizer: "momentum",
      momentum: 0.9,
      weightDecay: 0.001,
      nesterov: true,
      dropout: 0.2,
      schedule: "cosine",
      warmup: 5,
      totalSteps: 40,
    });
    // --horizon-steps (updates) and --horizon (epochs of the training set) set the horizon apart from the run's length.
    const longer = JSON.parse(run([...args, "--horizon-steps", "400"]).stdout) as TrainResult;
    expect(longer.config.training.totalSteps).toBe(400);
    expect(longer.fingerprint).not.toBe(r.fingerprint);
    const epochs = JSON.parse(run([...args, "--horizon", "2"]).stdout) as TrainResult;
    expect(epochs.config.training.totalSteps).toBe(2 * Math.ceil(6000 / 32));
    // With a constant schedule a horizon is ignored, with a note (the MNIST page prints it whenever its control is set).
    const constant = run(["--dataset", "procedural", "--steps", "5", "--horizon", "2", "--quiet"]);
    expect(constant.code).toBe(0);
    expect(constant.stderr).toContain("--horizon is ignored with --schedule constant");
    const plain = JSON.parse(run(["--dataset", "procedural", "--steps", "40", "--quiet"]).stdout) as TrainResult;
    expect(plain.fingerprint).not.toBe(r.fingerprint);
    // adamw is accepted and differs from adam once λ > 0.
    const adamw = JSON.parse(run(["--dataset", "procedural", "--optimizer", "adamw", "--lr", "0.001", "--weight-decay", "0.1", "--steps", "20", "--quiet"]).stdout) as TrainResult;
    const adam = JSON.parse(run(["--dataset", "procedural", "--optimizer", "adam", "--lr", "0.001", "--weight-decay", "0.1", "--steps", "20", "--quiet"]).stdout) as TrainResult;
    expect(adamw.config.training.optimizer).toBe("adamw");
    expect(adamw.fingerprint).not.toBe(adam.fingerprint);
  });

  it("the MNIST page's command for a run with decay, dropout, Nesterov and a cosine schedule with warm-up reaches the page's fingerprint", () => {
    const values = {...defaults(mnistSchema), "weight-decay": 0.001, dropout: 0.2, nesterov: "on" as const, schedule: "cosine" as const, warmup: 3, horizon: 1};
    const shown = mnistCommand(values, 6);
    expect(shown).toBe(
      "npm run -s train -- --subset page --activation relu --init he-normal --optimizer sgd --lr 0.01 --batch 32 --momentum 0.9 --seed 1 --weight-decay 0.001 --nesterov --dropout 0.2 --schedule cosine --horizon 1 --warmup 3 --steps 6",
    );
    const out = run([...shown.replace(/^npm run -s train -- /, "").split(" "), "--quiet"]);
    expect(out.code, out.stderr).toBe(0);
    const {network: config, training} = mnistRun(values);
    expect(training).toMatchObject({weightDecay: 0.001, dropout: 0.2, nesterov: true, schedule: "cosine", warmup: 3, totalSteps: 938});
    const trainSet = selectSubset("train", readMnist("train"));
    const net = new Network(config);
    new Trainer(net, pixelSamples(trainSet.pixels, trainSet.labels, 784), training).run(6);
    expect(JSON.parse(out.stdout).fingerprint).toBe(fingerprint(net.layers));
  });

  it("--lr-find prints JSON {config, points, suggestion, stopped} on stdout and the suggested range on stderr, exit 0", () => {
    const out = run(["--dataset", "procedural", "--lr-find", "--lr-find-steps", "60", "--quiet"]);
    expect(out.code, out.stderr).toBe(0);
    const r = JSON.parse(out.stdout) as {
      points: {lr: number; loss: number; smoothed: number}[];
      suggestion: {lr: number; lo: number; hi: number};
      stopped: string | null;
      config: {minLr: number; maxLr: number; steps: number};
    };
    expect(r.config).toMatchObject({minLr: 1e-4, maxLr: 10, steps: 60});
    expect(r.points.length).toBeGreaterThan(10);
    expect(r.points[0].lr).toBe(1e-4);
    expect(r.suggestion.lo).toBeGreaterThanOrEqual(1e-4);
    expect(r.suggestion.hi).toBeLessThanOrEqual(10);
    expect(r.suggestion.lo).toBeLessThanOrEqual(r.suggestion.lr);
    expect(r.suggestion.lr).toBeLessThanOrEqual(r.suggestion.hi);
    expect(out.stderr).toMatch(/lr-find: suggested η = [\d.e-]+ \(range [\d.e-]+ to [\d.e-]+\); try --lr/);
    // Deterministic, and --lr is said to be ignored.
    const again = run(["--dataset", "procedural", "--lr-find", "--lr-find-steps", "60", "--quiet", "--lr", "0.5"]);
    expect(JSON.parse(again.stdout).points).toEqual(r.points);
    expect(again.stderr).toContain("--lr is ignored by --lr-find");
  });

  it("--help exits 0", () => {
    const {code, stdout} = run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--layers");
  });
});

describe("program", () => {
  const parse = (args: string[]) =>
    program()
      .exitOverride()
      .configureOutput({writeErr: () => {}, writeOut: () => {}})
      .parse(args, {from: "user"})
      .opts();

  it("defaults to the MNIST page's settings on 784→16→16→10", () => {
    const o = parse([]);
    const d = defaults(mnistSchema);
    expect(o).toMatchObject({
      layers: [784, 16, 16, 10],
      activation: d.activation,
      init: d.init,
      optimizer: d.optimizer,
      lr: d.lr,
      batch: d.batch,
      momentum: d.momentum,
      seed: d.seed,
      subset: "custom",
      epochs: 1,
    });
    expect(o.steps).toBeUndefined();
  });

  it("parses numbers and lists", () => {
    expect(parse(["--lr", "1e-3", "--batch", "64", "--momentum", "0", "--layers", "784,32,10", "--seed", "0", "--steps", "7"])).toMatchObject({
      lr: 0.001,
      batch: 64,
      momentum: 0,
      layers: [784, 32, 10],
      seed: 0,
      steps: 7,
    });
  });

  it.each([
    ["he", "he-normal"],
    ["kaiming", "he-normal"],
    ["xavier", "xavier-normal"],
    ["glorot", "xavier-normal"],
    ["lecun", "lecun-normal"],
    ["he-uniform", "he-uniform"],
  ])("--init %s means %s", (alias, name) => {
    expect(parse(["--init", alias]).init).toBe(name);
  });

  // Seeds are folded into 32 bits by the generator, so the CLI accepts exactly the page's range.
  it("rejects seeds above 2³¹ − 1 rather than aliasing them to smaller ones", () => {
    expect(parse(["--seed", String(2 ** 31 - 1)]).seed).toBe(2 ** 31 - 1);
    expect(() => parse(["--seed", "4294967297"])).toThrow(/--seed must be an integer from 0 to 2147483647/);
  });
});
