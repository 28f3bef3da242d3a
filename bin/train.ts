#!/usr/bin/env -S npx tsx
/**
 * Headless training on MNIST with the workbook's network module.
 *
 *   npm run train -- --layers 784,16,16,10 --activation relu --init he-normal --lr 0.01 \
 *     --batch 32 --momentum 0.9 --epochs 1 --seed 1 --train 30000 --test 10000
 *   npm run train -- --subset page --steps 200      # the MNIST page's run, update for update
 *   npm run -s train -- --lr-find                   # learning-rate range test: JSON {points, suggestion}
 *   npm run -s train -- --arch conv --epochs 2      # the LeNet-style convolutional network
 *
 * Progress goes to stderr (cli-progress); one JSON object goes to stdout: config, final train
 * loss, test accuracy, samples per second, fingerprint. Bad flags exit 2 with a message.
 */
import {writeFileSync} from "node:fs";
import {checkOut} from "./out-file.js";
import {Command, InvalidArgumentError, Option} from "commander";
import cliProgress from "cli-progress";
import {
  activationNames,
  ConvNetwork,
  evaluate,
  LENET_LAYERS,
  fingerprint,
  initNames,
  lrFind,
  Network,
  scheduleNames,
  pixelSamples,
  toJSON,
  Trainer,
  type ActivationName,
  type ConvNetworkConfig,
  type InitName,
  type LrFindResult,
  type NetworkConfig,
  type ScheduleName,
  type TrainingOptions,
} from "../src/components/nn/index.js";
import {readMnist} from "../src/components/datasets/mnist-node.js";
import {balancedIndices, DATA_SEED, perClassFor, selectSubset, take, type SubsetName} from "../src/components/datasets/subsets.js";
import type {LabelledImages} from "../src/components/datasets/idx.js";
import {mnistRun, mnistSchema, MNIST_LAYERS} from "../src/components/experiments/mnist.js";
import {LEARNING_RATE_RANGE, MAX_EPOCHS, MAX_PARAMETERS, MAX_UNITS, MOMENTUM_RANGE, parameterCount, WARMUP_RANGE, WEIGHT_DECAY_RANGE} from "../src/components/experiments/limits.js";

/** Largest layer the CLI builds, and the most weights and biases in one network (experiments/limits.ts: the same for every entry point). */
export {MAX_UNITS, MAX_PARAMETERS};
import {LAB_LAYERS} from "../src/components/experiments/lab.js";
import {labSet} from "../src/components/datasets/lab-node.js";
import {LAB_DATASETS, LAB_SETS, type LabDataset} from "../src/components/datasets/lab-sets.js";
import {SUBSETS} from "../src/components/datasets/subsets.js";

const integer =
  (name: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  (text: string) => {
    const value = Number(text);
    if (!/^\s*\d+\s*$/.test(text) || !Number.isInteger(value) || value < min || value > max)
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
    return value;
  };
const positive = (name: string, max: number) => (text: string) => {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value <= 0 || value > max) throw new InvalidArgumentError(`${name} must be a number > 0 and at most ${max}, got ${JSON.stringify(text)}`);
  return value;
};
/** A number in [min, max] (the ranges the pages and URLs use too). */
const within =
  (name: string, [min, max]: readonly [number, number]) =>
  (text: string) => {
    const value = Number(text);
    if (text.trim() === "" || !(value >= min && value <= max)) throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}, got ${JSON.stringify(text)}`);
    return value;
  };
/** A probability p in [0, 1): 1 would drop every unit. */
const probability = (name: string) => (text: string) => {
  const value = Number(text);
  if (text.trim() === "" || !(value >= 0 && value < 1)) throw new InvalidArgumentError(`${name} must be a number from 0 up to (not including) 1, got ${JSON.stringify(text)}`);
  return value;
};
const layerList = (text: string) => {
  const sizes = text.split(",").map((s) => Number(s));
  if (sizes.length < 2 || sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new InvalidArgumentError(`layers must be comma-separated integers ≥ 1 (input first), got ${JSON.stringify(text)}`);
  if (sizes[0] !== 784 && sizes[0] !== 256) throw new InvalidArgumentError(`the input layer must have 784 units (28×28 pixels) or 256 (16×16, with --dataset procedural or mnist16), got ${sizes[0]}`);
  if (sizes[sizes.length - 1] !== 10) throw new InvalidArgumentError(`the output layer must have 10 units (digits 0–9), got ${sizes[sizes.length - 1]}`);
  const big = sizes.find((n) => n > MAX_UNITS);
  if (big !== undefined) throw new InvalidArgumentError(`layers: ${big.toLocaleString("en")} units in one layer; at most ${MAX_UNITS.toLocaleString("en")}`);
  const parameters = parameterCount(sizes);
  if (parameters > MAX_PARAMETERS) throw new InvalidArgumentError(`layers ${text} have ${parameters.toLocaleString("en")} weights and biases; at most ${MAX_PARAMETERS.toLocaleString("en")}`);
  return sizes;
};
const initAlias: Record<string, InitName> = {he: "he-normal", xavier: "xavier-normal", glorot: "xavier-normal", kaiming: "he-normal", lecun: "lecun-normal"};

export interface TrainResult {
  config: {network: NetworkConfig | ConvNetworkConfig; training: TrainingOptions; data: {subset: string; train: number; test: number; dataSeed: number}; epochs: number | null; steps: number};
  steps: number;
  samplesSeen: number;
  epochs: number;
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
  samplesPerSecond: number;
  fingerprint: string;
  initialFingerprint: string;
  diverged: string | null;
  /** Test loss before training (the initial weights). */
  initialTestLoss: number;
  /** The run ended with a higher test loss than it started with (or diverged): it did not learn. */
  lossIncreased: boolean;
}

export {checkOut} from "./out-file.js";

/** What `--lr-find` prints on stdout. */
export interface LrFindOutput extends LrFindResult {
  config: {network: NetworkConfig; training: TrainingOptions; data: {subset: string; train: number; dataSeed: number}; minLr: number; maxLr: number; steps: number};
}

/** Updates in the range test of `--lr-find` and of the MNIST page's "Find η". */
export const LR_FIND_STEPS = 200;

/**
 * `--arch conv`'s own defaults where the flag is not given: η 0.05 on a cosine schedule over the
 * run (with the shared classical momentum μ 0.9 and B 32). Measured: 98.73 % on all 10,000 test
 * digits after 2 epochs of all 60,000 (constant η 0.05: 97.84 %; Adam 1e-3: 98.19 %).
 */
export const CONV_DEFAULTS = {lr: 0.05, schedule: "cosine"} as const;

/** The network `--arch conv` trains: LENET_LAYERS on side × side digits, with the flags' activation, init and seed. */
export function convConfigFor(o: Pick<TrainFlags, "activation" | "init" | "seed">, side: number): ConvNetworkConfig {
  return {input: [1, side, side], layers: LENET_LAYERS, activation: o.activation, head: "softmax-cross-entropy", init: o.init, seed: o.seed};
}

/** The parsed flags. */
export interface TrainFlags {
  dataset: "mnist" | LabDataset;
  arch: "dense" | "conv";
  layers: number[];
  activation: ActivationName;
  init: InitName;
  optimizer: "sgd" | "momentum" | "adam" | "adamw";
  lr: number;
  batch: number;
  momentum: number;
  nesterov?: boolean;
  weightDecay: number;
  dropout: number;
  schedule: ScheduleName;
  warmup: number;
  horizon?: number;
  horizonSteps?: number;
  lrFind?: boolean;
  lrMin: number;
  lrMax: number;
  lrFindSteps: number;
  epochs: number;
  steps?: number;
  seed: number;
  subset: "page" | "custom";
  train: number;
  test: number;
  out?: string;
  force?: boolean;
  quiet?: boolean;
}

/**
 * The network and training options the flags define, for a run of `total` updates of which
 * `perEpoch` make an epoch: the MNIST page's mapping (mnistRun) plus the CLI's own choices (an
 * explicit --optimizer momentum; the horizon: --horizon-steps, else ceil(--horizon × perEpoch),
 * else `total`). Every new option is written out, at its default too, so the result's config says
 * exactly what ran. Nesterov, refused by ignoredFlags unless momentum is on, is passed only then.
 */
export function runFromFlags(o: TrainFlags, layers: number[], total: number, perEpoch: number): {network: NetworkConfig; training: TrainingOptions} {
  const {network, training} = mnistRun(
    {activation: o.activation, init: o.init, optimizer: o.optimizer === "momentum" ? "sgd" : o.optimizer, lr: o.lr, batch: o.batch, momentum: o.momentum, seed: o.seed},
    layers,
  );
  const optimizer = o.optimizer === "momentum" ? "momentum" : training.optimizer;
  return {
    network,
    training: {
      ...training,
      optimizer,
      weightDecay: o.weightDecay,
      nesterov: optimizer === "momentum" && o.nesterov === true,
      dropout: o.dropout,
      schedule: o.schedule,
      warmup: o.warmup,
      ...(o.schedule === "constant" ? {} : {totalSteps: o.horizonSteps ?? (o.horizon !== undefined ? Math.ceil(o.horizon * perEpoch) : Math.max(1, total))}),
    },
  };
}

export function program(): Command {
  const d = mnistSchema;
  return new Command("train")
    .description("Train a fully-connected network on MNIST and print one JSON result on stdout.")
    .addOption(
      new Option(
        "--arch <name>",
        `dense: the fully-connected --layers; conv: the LeNet-style convolutional network (conv 8 × 5×5 → max-pool 2 → conv 16 × 5×5 → max-pool 2 → dense 10; η ${CONV_DEFAULTS.lr} and a ${CONV_DEFAULTS.schedule} schedule unless --lr / --schedule are given)`,
      )
        .choices(["dense", "conv"])
        .default("dense"),
    )
    .addOption(new Option("--dataset <name>", "mnist (28×28), or the neuron lab's fixed 16×16 sets: procedural, mnist16").choices(["mnist", ...LAB_DATASETS]).default("mnist"))
    .addOption(
      new Option(
        "--layers <sizes>",
        `layer sizes, input first (${LAB_LAYERS.join(",")} when not given with a 16×16 dataset; at most ${MAX_UNITS.toLocaleString("en")} units a layer, ${MAX_PARAMETERS.toLocaleString("en")} parameters)`,
      )
        .default(MNIST_LAYERS, MNIST_LAYERS.join(","))
        .argParser(layerList),
    )
    .addOption(new Option("--activation <name>", "hidden activation").choices(activationNames).default(d.activation.default))
    .addOption(
      new Option("--init <name>", `initialiser (${initNames.join(", ")}; he, xavier, glorot, lecun are aliases)`).default(d.init.default).argParser((t) => {
        const name = initAlias[t] ?? t;
        if (!(initNames as string[]).includes(name)) throw new InvalidArgumentError(`unknown init ${JSON.stringify(t)}; expected one of ${initNames.join(", ")}`);
        return name;
      }),
    )
    .addOption(
      new Option("--optimizer <name>", "sgd (classical momentum when --momentum > 0), momentum (with --momentum μ), adam, or adamw (Adam with decoupled weight decay)")
        .choices(["sgd", "momentum", "adam", "adamw"])
        .default(d.optimizer.default),
    )
    .addOption(new Option("--lr <eta>", `learning rate η, ${LEARNING_RATE_RANGE[0]} to ${LEARNING_RATE_RANGE[1]}`).default(d.lr.default).argParser(within("--lr", LEARNING_RATE_RANGE)))
    .addOption(new Option("--batch <B>", "minibatch size").default(d.batch.default).argParser(integer("--batch", 1)))
    .addOption(
      new Option("--momentum <mu>", "classical momentum μ with --optimizer sgd (0 = plain SGD; ignored, with a note, by adam)")
        .default(d.momentum.default)
        .argParser(within("--momentum", MOMENTUM_RANGE)),
    )
    .option("--nesterov", "Nesterov momentum (needs momentum: --optimizer momentum, or sgd with --momentum > 0)")
    .addOption(
      new Option("--weight-decay <lambda>", `weight decay λ, ${WEIGHT_DECAY_RANGE[0]} to ${WEIGHT_DECAY_RANGE[1]}, weights only (not biases): L2 for sgd/momentum/adam, decoupled for adamw`)
        .default(0)
        .argParser(within("--weight-decay", WEIGHT_DECAY_RANGE)),
    )
    .addOption(new Option("--dropout <p>", "inverted dropout on the hidden layers while training, p from 0 up to (not including) 1").default(0).argParser(probability("--dropout")))
    .addOption(new Option("--schedule <name>", "learning-rate schedule over the horizon (see --horizon)").choices(scheduleNames).default("constant"))
    .addOption(new Option("--warmup <N>", "linear learning-rate warm-up over the first N updates").default(0).argParser(integer("--warmup", WARMUP_RANGE[0], WARMUP_RANGE[1])))
    .addOption(
      new Option("--horizon <epochs>", `the schedule's horizon in epochs (more than 0, at most ${MAX_EPOCHS}): ceil(epochs × ceil(train/batch)) updates; default: the run's own length`).argParser(
        positive("--horizon", MAX_EPOCHS),
      ),
    )
    .addOption(new Option("--horizon-steps <updates>", "the schedule's horizon in updates (instead of --horizon)").argParser(integer("--horizon-steps", 1)))
    .option("--lr-find", "run the learning-rate range test instead of training: JSON {points, suggestion} on stdout, a summary on stderr")
    .addOption(new Option("--lr-min <eta>", "--lr-find: smallest η").default(LEARNING_RATE_RANGE[0]).argParser(within("--lr-min", LEARNING_RATE_RANGE)))
    .addOption(new Option("--lr-max <eta>", "--lr-find: largest η").default(LEARNING_RATE_RANGE[1]).argParser(within("--lr-max", LEARNING_RATE_RANGE)))
    .addOption(new Option("--lr-find-steps <N>", "--lr-find: updates in the range test").default(LR_FIND_STEPS).argParser(integer("--lr-find-steps", 2, 100_000)))
    .addOption(new Option("--epochs <n>", `passes over the training set (more than 0, at most ${MAX_EPOCHS})`).default(1).argParser(positive("--epochs", MAX_EPOCHS)))
    .addOption(new Option("--steps <n>", "stop after exactly n updates (overrides --epochs)").argParser(integer("--steps", 0)))
    .addOption(new Option("--seed <n>", "seed of the initial weights and the sample order").default(d.seed.default).argParser(integer("--seed", 0, mnistSchema.seed.max)))
    .addOption(new Option("--subset <name>", "page: the MNIST page's own subsets; custom: --train/--test").choices(["page", "custom"]).default("custom"))
    .addOption(new Option("--train <n>", "training images, class-balanced (60000 = all)").default(60000).argParser(integer("--train", 10)))
    .addOption(new Option("--test <n>", "test images, class-balanced (10000 = all)").default(10000).argParser(integer("--test", 10)))
    .addOption(new Option("--out <file>", "also save the trained network as JSON (checked before training)"))
    .option("--force", "let --out overwrite an existing file")
    .option("--quiet", "no progress bar")
    .showHelpAfterError();
}

/** A class-balanced selection of n images, or the whole file when n covers it. */
function subsetOf(images: LabelledImages, n: number, name: string) {
  if (n > images.count) throw new InvalidArgumentError(`${name} ${n} exceeds the ${images.count} images available`);
  if (n === images.count)
    return take(
      images,
      Uint32Array.from({length: n}, (_, i) => i),
    );
  return take(images, balancedIndices(images.labels, perClassFor(n)));
}

/** The flags' data: the training and test sets and the architecture (the lab's on a 16×16 set). */
function loadData(o: TrainFlags, say: (text: string) => unknown) {
  const lab = o.dataset !== "mnist";
  const inputSize = lab ? 256 : 784;
  // The default (MNIST_LAYERS itself, not a parsed copy) becomes the lab's architecture on a 16×16 set.
  const layers = lab && o.layers === MNIST_LAYERS ? LAB_LAYERS : o.layers;
  if (layers[0] !== inputSize) throw new InvalidArgumentError(`--layers must start with ${inputSize} for --dataset ${o.dataset}, got ${layers[0]}`);
  const page = o.subset === "page";
  let trainSet: LabelledImages, testSet: LabelledImages;
  if (lab) {
    trainSet = labSet(o.dataset as LabDataset, "train");
    testSet = labSet(o.dataset as LabDataset, "test");
  } else {
    say("reading MNIST (checking the files' SHA-256)…");
    const trainFile = readMnist("train"),
      testFile = readMnist("test");
    const pick = (name: SubsetName, file: LabelledImages, n: number) => (page ? selectSubset(name, file) : subsetOf(file, n, `--${name}`));
    trainSet = pick("train", trainFile, o.train);
    testSet = pick("test", testFile, o.test);
  }
  return {lab, page, inputSize, layers, trainSet, testSet};
}

export function train(options: ReturnType<Command["opts"]>): TrainResult {
  const o = options as TrainFlags;
  // A typo in --out must not cost a whole run: check it first.
  const outPath = o.out === undefined ? undefined : checkOut(o.out, o.force);
  const say = (text: string) => o.quiet || process.stderr.write(`train: ${text}\n`);
  const {lab, page, inputSize, layers, trainSet, testSet} = loadData(o, say);
  const stepsPerEpoch = Math.ceil(trainSet.count / Math.min(o.batch, trainSet.count));
  const total = o.steps ?? Math.ceil(o.epochs * stepsPerEpoch);
  const conv = o.arch === "conv";
  const {network: denseConfig, training} = runFromFlags(o, layers, total, stepsPerEpoch);
  const networkConfig = conv ? convConfigFor(o, Math.sqrt(inputSize)) : denseConfig;
  const network = conv ? new ConvNetwork(networkConfig as ConvNetworkConfig) : new Network(denseConfig);
  const shapes = network instanceof ConvNetwork ? [network.config.input, ...network.shapes].map((s) => (s[1] === 1 && s[2] === 1 ? s[0] : s.join("×"))) : layers;
  say(`building ${shapes.join("→")} (${network.parameterCount.toLocaleString("en")} parameters) and fingerprinting its initial weights…`);
  const initialFingerprint = fingerprint(network.layers);
  const testSamples = pixelSamples(testSet.pixels, testSet.labels, inputSize);
  const initialTestLoss = evaluate(network, testSamples).loss;
  const samples = pixelSamples(trainSet.pixels, trainSet.labels, inputSize);
  const trainer = new Trainer<Network | ConvNetwork>(network, samples, training);
  const bar = new cliProgress.SingleBar(
    {format: "train |{bar}| {percentage}% | {value}/{total} updates | epoch {epoch} | loss {loss} | {speed} samples/s", stream: process.stderr, noTTYOutput: !o.quiet, notTTYSchedule: 2000},
    cliProgress.Presets.shades_classic,
  );
  if (!o.quiet) bar.start(total, 0, {epoch: "0.00", loss: "–", speed: "–"});
  let computeMs = 0,
    lastLoss = NaN,
    lossSum = 0,
    lossCount = 0;
  const chunk = Math.max(1, Math.min(200, Math.floor(total / 100)));
  for (let done = 0; done < total && !trainer.diverged;) {
    const n = Math.min(chunk, total - done);
    const t = performance.now();
    trainer.run(n);
    computeMs += performance.now() - t;
    done += n;
    const loss = trainer.takeLoss();
    if (Number.isFinite(loss)) {
      lastLoss = loss;
      // Final train loss: mean over the last epoch's worth of updates.
      if (done > total - stepsPerEpoch) {
        lossSum += loss * n;
        lossCount += n;
      }
    }
    if (!o.quiet) bar.update(trainer.steps, {epoch: (trainer.samplesSeen / trainSet.count).toFixed(2), loss: lastLoss.toFixed(3), speed: Math.round((trainer.samplesSeen / computeMs) * 1000)});
  }
  if (!o.quiet) bar.stop();
  say("evaluating and fingerprinting the trained network…");
  const ev = evaluate(network, testSamples);
  if (outPath) {
    try {
      const meta = {training, subset: o.subset, steps: trainer.steps, samplesSeen: trainer.samplesSeen};
      writeFileSync(outPath, JSON.stringify(network instanceof ConvNetwork ? toJSON(network, meta) : toJSON(network, meta)), {flag: o.force ? "w" : "wx"});
    } catch (error) {
      throw new Error(`cannot write --out ${o.out}: ${(error as Error).message}`);
    }
  }
  return {
    config: {
      network: networkConfig,
      training,
      data: {subset: lab ? o.dataset : page ? "page" : "custom", train: trainSet.count, test: testSet.count, dataSeed: DATA_SEED},
      epochs: o.steps === undefined ? o.epochs : null,
      steps: total,
    },
    steps: trainer.steps,
    samplesSeen: trainer.samplesSeen,
    epochs: trainer.samplesSeen / trainSet.count,
    trainLoss: lossCount ? lossSum / lossCount : lastLoss,
    testLoss: ev.loss,
    testAccuracy: ev.accuracy,
    samplesPerSecond: computeMs > 0 ? Math.round((trainer.samplesSeen / computeMs) * 1000) : 0,
    fingerprint: fingerprint(network.layers),
    initialFingerprint,
    diverged: trainer.diverged ? trainer.diverged.reason : null,
    initialTestLoss,
    lossIncreased: !!trainer.diverged || !(ev.loss <= initialTestLoss),
  };
}

/** `--lr-find`: the range test on the flags' training set and settings, from the seed's initial weights. */
export function findLr(options: ReturnType<Command["opts"]>): LrFindOutput {
  const o = options as TrainFlags;
  const say = (text: string) => o.quiet || process.stderr.write(`train: ${text}\n`);
  const {lab, page, inputSize, layers, trainSet} = loadData(o, say);
  const {network: networkConfig, training: full} = runFromFlags({...o, schedule: "constant", warmup: 0}, layers, 1, 1);
  const {learningRate: _lr, batchSize, schedule: _s, warmup: _w, totalSteps: _t, ...training} = full;
  const samples = pixelSamples(trainSet.pixels, trainSet.labels, inputSize);
  say(`range test: ${o.lrFindSteps} updates of ${batchSize} samples, η from ${o.lrMin} to ${o.lrMax} (log-linear)…`);
  const result = lrFind(new Network(networkConfig), samples, {minLr: o.lrMin, maxLr: o.lrMax, steps: o.lrFindSteps, batchSize, training});
  return {
    config: {
      network: networkConfig,
      training: {...training, learningRate: o.lrMin, batchSize},
      data: {subset: lab ? o.dataset : page ? "page" : "custom", train: trainSet.count, dataSeed: DATA_SEED},
      minLr: o.lrMin,
      maxLr: o.lrMax,
      steps: o.lrFindSteps,
    },
    ...result,
  };
}

/** The few lines `--lr-find` says on stderr. */
export function lrFindSummary({points, suggestion, stopped}: LrFindResult): string {
  const p = (v: number) => Number(v.toPrecision(3));
  const best = points.reduce((a, b) => (b.smoothed < a.smoothed ? b : a), points[0]);
  return [
    `train: lr-find: ${points.length} updates${stopped ? `, stopped early: ${stopped}` : ""}`,
    best ? `train: lr-find: smallest smoothed loss ${best.smoothed.toFixed(3)} at η = ${p(best.lr)}` : "train: lr-find: no finite loss",
    `train: lr-find: suggested η = ${p(suggestion.lr)} (range ${p(suggestion.lo)} to ${p(suggestion.hi)}); try --lr ${p(suggestion.lr)}`,
  ].join("\n");
}

/**
 * Flags the parsed configuration would ignore. Returns the refusals (a flag that cannot take
 * effect: exit 2) and the notes (a flag the pages' printed commands pass on purpose, ignored but
 * said on stderr, so those commands keep working and keep their fingerprints).
 */
export function ignoredFlags(command: Command): {refused: string[]; notes: string[]} {
  const o = command.opts() as {
    arch: string;
    dropout: number;
    dataset: string;
    subset: string;
    optimizer: string;
    momentum: number;
    train: number;
    test: number;
    steps?: number;
    epochs: number;
    nesterov?: boolean;
    schedule: string;
    lrFind?: boolean;
    lrMin: number;
    lrMax: number;
    out?: string;
  };
  const given = (name: string) => command.getOptionValueSource(name) === "cli";
  const refused: string[] = [],
    notes: string[] = [];
  const lab = o.dataset !== "mnist";
  for (const name of ["train", "test"] as const) {
    if (!given(name)) continue;
    if (lab) {
      const set = LAB_SETS[o.dataset as LabDataset][name];
      refused.push(`--${name} ${o[name]} has no effect with --dataset ${o.dataset}: its ${name} set is fixed at ${set.count.toLocaleString("en")} images; drop --${name}`);
    } else if (o.subset === "page") {
      const n = SUBSETS[name].perClass * 10;
      refused.push(`--${name} ${o[name]} has no effect with --subset page: the page's ${name} subset is fixed at ${n.toLocaleString("en")} images; drop --${name} or use --subset custom`);
    }
  }
  if (o.arch === "conv") {
    if (given("layers"))
      refused.push(`--layers has no effect with --arch conv: its layers are fixed (conv 8 × 5×5 → max-pool 2 → conv 16 × 5×5 → max-pool 2 → dense 10); drop --layers or use --arch dense`);
    if (o.dropout > 0) refused.push(`--dropout ${o.dropout} with --arch conv: dropout is for fully-connected networks; drop --dropout`);
    if (o.lrFind) refused.push(`--lr-find is for --arch dense (the range test trains the fully-connected network)`);
  }
  if (lab && given("subset")) refused.push(`--subset ${o.subset} has no effect with --dataset ${o.dataset}: --subset chooses among MNIST's images; drop --subset`);
  if (given("momentum") && (o.optimizer === "adam" || o.optimizer === "adamw") && o.momentum !== 0)
    notes.push(`--momentum ${o.momentum} is ignored with --optimizer ${o.optimizer} (Adam's β₁ = 0.9 plays that part)`);
  if (given("epochs") && o.steps !== undefined) notes.push(`--epochs ${o.epochs} is ignored: --steps ${o.steps} sets the run's length`);
  const momentum = o.optimizer === "momentum" || (o.optimizer === "sgd" && o.momentum > 0);
  if (o.nesterov && !momentum)
    refused.push(`--nesterov needs momentum: use --optimizer momentum, or --optimizer sgd with --momentum > 0 (got --optimizer ${o.optimizer}${o.optimizer === "sgd" ? " --momentum 0" : ""})`);
  if (given("horizon") && given("horizonSteps")) refused.push(`--horizon and --horizon-steps both set the schedule's horizon; give one`);
  // The MNIST page prints --horizon whenever its horizon control is not the default, whatever the schedule.
  for (const [name, flag] of [
    ["horizon", "--horizon"],
    ["horizonSteps", "--horizon-steps"],
  ])
    if (given(name) && o.schedule === "constant") notes.push(`${flag} is ignored with --schedule constant (a constant η has no horizon)`);
  if (o.lrFind) {
    if (!(o.lrMax > o.lrMin)) refused.push(`--lr-max ${o.lrMax} must be larger than --lr-min ${o.lrMin}`);
    if (o.out !== undefined) refused.push(`--out has no effect with --lr-find: the range test trains a throw-away copy; drop --out`);
    for (const name of ["lr", "steps", "epochs", "schedule", "warmup", "horizon"])
      if (given(name)) notes.push(`--${name} is ignored by --lr-find (η sweeps from --lr-min to --lr-max over --lr-find-steps updates)`);
  } else {
    for (const name of ["lrMin", "lrMax", "lrFindSteps"]) if (given(name)) notes.push(`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is ignored without --lr-find`);
  }
  return {refused, notes};
}

export function main(argv: string[]): number {
  const command = program().exitOverride();
  try {
    command.parse(argv, {from: "user"});
  } catch (error) {
    const code = (error as {exitCode?: number}).exitCode;
    return code === 0 ? 0 : 2;
  }
  // --arch conv's own defaults for the flags not given.
  if (command.opts().arch === "conv")
    for (const [name, value] of Object.entries(CONV_DEFAULTS)) if (command.getOptionValueSource(name) !== "cli") command.setOptionValueWithSource(name, value, "default");
  const {refused, notes} = ignoredFlags(command);
  for (const text of refused) process.stderr.write(`train: ${text}\n`);
  if (refused.length) return 2;
  for (const text of notes) process.stderr.write(`train: note: ${text}\n`);
  try {
    if (command.opts().lrFind) {
      const found = findLr(command.opts());
      process.stdout.write(JSON.stringify(found) + "\n");
      process.stderr.write(lrFindSummary(found) + "\n");
      return 0;
    }
    const result = train(command.opts());
    process.stdout.write(JSON.stringify(result, null, 2) + "\n");
    if (result.diverged) {
      process.stderr.write(`train: diverged: ${result.diverged}\n`);
      return 1;
    }
    if (result.lossIncreased) {
      process.stderr.write(`train: warning: the test loss rose from ${result.initialTestLoss.toFixed(3)} to ${result.testLoss.toFixed(3)}: the network did not learn (try a lower --lr)\n`);
      return 3;
    }
    return 0;
  } catch (error) {
    process.stderr.write(`train: ${(error as Error).message}\n`);
    return error instanceof InvalidArgumentError || error instanceof RangeError ? 2 : 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("bin/train.ts")) {
  process.exitCode = main(process.argv.slice(2));
}
