import {afterEach, beforeEach, describe, expect, it, vi} from "vitest";
import {arraySamples, evaluate, fingerprint, Network, source, Trainer, type NetworkConfig, type Samples, type TrainingOptions} from "../../src/components/nn/index.js";
import {decimateHistory, LiveRun, type LiveRunOptions, type RunState} from "../../src/components/runs/live-run.js";

const config: NetworkConfig = {layers: [4, 5, 3], activation: "tanh", head: "softmax-cross-entropy", init: "xavier-normal", seed: 3};
const training: TrainingOptions = {learningRate: 0.1, batchSize: 4, optimizer: "sgd"};
const TRAIN = 40,
  BATCH = 4,
  EVAL_EVERY = 8;

/** n random 4-d inputs in 3 classes (class c shifts input c by +2), times `scale`. */
function samples(n: number, seed: number, scale = 1): Samples {
  const random = source(seed);
  const labels = Array.from({length: n}, (_, i) => i % 3);
  const inputs = labels.map((c) => Array.from({length: 4}, (_, j) => scale * (random() * 2 - 1 + (j === c ? 2 : 0))));
  return arraySamples(inputs, labels);
}
const train = samples(TRAIN, 11),
  test = samples(30, 12);

/** A schedule that only queues callbacks: the test runs the ticks by hand. */
function manual() {
  const queue: (() => void)[] = [];
  return {
    queue,
    schedule: (callback: () => void) => void queue.push(callback),
    /** Runs the callbacks queued now (one round of ticks); returns how many ran. */
    round(): number {
      const now = queue.splice(0);
      for (const callback of now) callback();
      return now.length;
    },
    /** Runs ticks until none is queued (at most `limit` rounds); returns the rounds run. */
    drain(limit = 10_000): number {
      let rounds = 0;
      while (queue.length && rounds < limit) {
        this.round();
        rounds++;
      }
      expect(queue.length, "ticks still queued after the limit").toBe(0);
      return rounds;
    },
  };
}

function make(options: LiveRunOptions = {}, net = config, opts = training, trainSet = train) {
  const timer = manual();
  const run = new LiveRun(net, opts, trainSet, test, {evalEvery: EVAL_EVERY, sliceMs: 30, notifyEveryMs: 0, schedule: timer.schedule, ...options});
  return {run, timer};
}

/** The same network trained by a bare Trainer for `steps` updates. */
function reference(steps: number, net = config, opts = training, trainSet = train): Network {
  const network = new Network(net);
  new Trainer(network, trainSet, opts).run(steps);
  return network;
}

const initialFingerprint = fingerprint(new Network(config).layers);

// A fake clock that advances 1 ms per reading, so a tick's time slice (sliceMs) bounds its work
// deterministically instead of depending on the machine's speed.
let clock = 0;
beforeEach(() => {
  clock = 0;
  vi.spyOn(performance, "now").mockImplementation(() => ++clock);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("LiveRun constructor", () => {
  it("starts idle, untrained, with one history point at 0 samples evaluated on the test set", () => {
    const {run, timer} = make();
    const s = run.state;
    expect(s).toMatchObject({status: "idle", message: "", steps: 0, samplesSeen: 0, epoch: 0, fingerprint: initialFingerprint, parameters: 4 * 5 + 5 + 5 * 3 + 3});
    const expected = evaluate(new Network(config), test);
    expect(s.history).toHaveLength(1);
    expect(s.history[0].samples).toBe(0);
    expect(s.history[0].epoch).toBe(0);
    expect(s.history[0].trainLoss).toBeNaN();
    expect(s.history[0].testLoss).toBe(expected.loss);
    expect(s.history[0].testAccuracy).toBe(expected.accuracy);
    expect(s.testLoss).toBe(expected.loss);
    expect(timer.queue).toHaveLength(0);
  });

  it("throws RangeError on bad options or config", () => {
    expect(() => make({evalEvery: 0})).toThrow(RangeError);
    expect(() => make({evalEvery: 2.5})).toThrow(RangeError);
    expect(() => make({speed: 0})).toThrow(RangeError);
    expect(() => make({}, config, {...training, learningRate: -1})).toThrow(RangeError);
    expect(() => make({}, config, training, arraySamples([[1, 2]], [0]))).toThrow(RangeError);
  });
});

describe("LiveRun.step", () => {
  it("makes exactly one minibatch update, the Trainer's, and leaves the run paused with nothing scheduled", () => {
    const {run, timer} = make();
    run.step();
    const s = run.state;
    expect(s).toMatchObject({status: "paused", steps: 1, samplesSeen: BATCH, epoch: BATCH / TRAIN});
    expect(s.fingerprint).not.toBe(initialFingerprint);
    expect(s.fingerprint).toBe(fingerprint(reference(1).layers));
    expect(timer.queue).toHaveLength(0);
  });
});

describe("LiveRun.start", () => {
  it("trains in ticks: status training, samples grow, history at every multiple of evalEvery, same weights as a Trainer", () => {
    const {run, timer} = make();
    run.start();
    expect(run.state.status).toBe("training");
    expect(run.state.samplesSeen).toBe(0); // nothing before the first tick
    expect(timer.queue).toHaveLength(1);
    let last = 0;
    for (let k = 0; k < 5; k++) {
      expect(timer.round()).toBe(1); // one chain of ticks
      const s = run.state;
      expect(s.status).toBe("training");
      expect(s.samplesSeen).toBeGreaterThan(last);
      last = s.samplesSeen;
    }
    const s = run.state;
    expect(s.samplesSeen).toBe(s.steps * BATCH);
    expect(s.samplesSeen).toBeGreaterThan(TRAIN); // several epochs' worth of ticks
    const expectedSamples = Array.from({length: Math.floor(s.samplesSeen / EVAL_EVERY) + 1}, (_, k) => k * EVAL_EVERY);
    expect(s.history.map((p) => p.samples)).toEqual(expectedSamples);
    for (const p of s.history) expect(p.epoch).toBe(p.samples / TRAIN);
    for (const p of s.history.slice(1)) {
      expect(Number.isFinite(p.trainLoss)).toBe(true);
      expect(p.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(p.testAccuracy).toBeLessThanOrEqual(1);
    }
    expect(s.fingerprint).toBe(fingerprint(reference(s.steps).layers));
    expect(s.samplesPerSecond).toBeGreaterThan(0);
  });

  it("a second start() while training does not start a second chain of ticks", () => {
    const {run, timer} = make();
    run.start();
    run.start();
    expect(timer.queue).toHaveLength(1);
  });

  // Regression: a tick queued before pause() must not survive a quick start(); each start() now
  // begins a new chain and older ticks stop, so one run never trains in two loops at once.
  it("pause() then start() before the queued tick ran still trains in one chain of ticks", () => {
    const {run, timer} = make();
    run.start();
    run.pause();
    run.start();
    timer.round();
    timer.round();
    expect(timer.queue).toHaveLength(1);
  });
});

describe("LiveRun.pause", () => {
  it("stops training: the queued tick does nothing and schedules no other", () => {
    const {run, timer} = make();
    run.start();
    timer.round();
    timer.round();
    run.pause();
    const before = run.state;
    expect(before.status).toBe("paused");
    expect(before.steps).toBeGreaterThan(0);
    timer.drain();
    expect(run.state.samplesSeen).toBe(before.samplesSeen);
    expect(run.state.fingerprint).toBe(before.fingerprint);
    expect(run.state.history).toEqual(before.history);
  });

  it("before any update, leaves the run idle", () => {
    const {run, timer} = make();
    run.start();
    run.pause();
    timer.drain();
    expect(run.state).toMatchObject({status: "idle", steps: 0});
  });

  it("start() after pause() goes on from where it stopped", () => {
    const {run, timer} = make();
    run.start();
    timer.round();
    run.pause();
    timer.drain();
    const steps = run.state.steps;
    run.start();
    timer.round();
    expect(run.state.steps).toBeGreaterThan(steps);
    expect(run.state.fingerprint).toBe(fingerprint(reference(run.state.steps).layers));
  });
});

describe("LiveRun.reset", () => {
  it("returns to idle with the initial weights, 0 steps and one history point; queued ticks do nothing", () => {
    const {run, timer} = make();
    run.start();
    timer.round();
    timer.round();
    expect(run.state.steps).toBeGreaterThan(0);
    run.reset();
    timer.drain();
    const s = run.state;
    expect(s).toMatchObject({status: "idle", message: "", steps: 0, samplesSeen: 0, epoch: 0, fingerprint: initialFingerprint});
    expect(s.history).toHaveLength(1);
    expect(s.history[0].samples).toBe(0);
    // …and trains the same run again from there.
    run.step();
    expect(run.state.fingerprint).toBe(fingerprint(reference(1).layers));
  });
});

describe("LiveRun maxEpochs", () => {
  it("pauses by itself after maxEpochs epochs, saying so; a second start trains maxEpochs more", () => {
    const {run, timer} = make({maxEpochs: 2});
    run.start();
    expect(timer.drain()).toBeGreaterThan(1); // more than one tick's work: it stopped by itself, not by the slice
    let s = run.state;
    expect(s.status).toBe("paused");
    expect(s.samplesSeen).toBe(2 * TRAIN);
    expect(s.epoch).toBe(2);
    expect(s.message).toMatch(/2 epochs/);
    run.start();
    expect(run.state.message).toBe("");
    timer.drain();
    s = run.state;
    expect(s.status).toBe("paused");
    expect(s.samplesSeen).toBe(4 * TRAIN);
    expect(s.message).toMatch(/2 epochs/);
    expect(s.history.at(-1)!.samples).toBe(4 * TRAIN);
  });

  it("counts epochs from this start, not from the beginning of the run", () => {
    const {run, timer} = make({maxEpochs: 1});
    run.step();
    run.step();
    run.start();
    timer.drain();
    expect(run.state.samplesSeen).toBe(2 * BATCH + TRAIN);
    expect(run.state.message).toMatch(/1 epoch\b/);
  });
});

describe("LiveRun divergence", () => {
  const wild: NetworkConfig = {layers: [4, 5, 3], activation: "identity", head: "softmax-cross-entropy", init: "xavier-normal", seed: 3};
  const wildTraining: TrainingOptions = {learningRate: 1e3, batchSize: 4, optimizer: "momentum", momentum: 0.99};
  const wildTrain = samples(TRAIN, 11, 1e3);

  it("reaches status diverged with a message naming the step, then start() and step() do nothing", () => {
    const {run, timer} = make({}, wild, wildTraining, wildTrain);
    const seen: RunState[] = [];
    run.subscribe((s) => seen.push(s));
    run.start();
    timer.drain(1000);
    const s = run.state;
    expect(s.status).toBe("diverged");
    const step = Number(/step (\d+)/.exec(s.message)?.[1]);
    expect([s.steps, s.steps + 1]).toContain(step);
    // Why it ended is a typed field, the same step the message names.
    expect(s.end).toMatchObject({kind: "diverged", step});
    expect(seen.at(-1)!.status).toBe("diverged"); // listeners hear the final state
    run.start();
    expect(timer.queue).toHaveLength(0);
    run.step();
    run.pause();
    timer.drain();
    const after = run.state;
    expect(after.status).toBe("diverged");
    expect(after.message).toBe(s.message);
    expect(after.steps).toBe(s.steps);
    expect(after.fingerprint).toBe(s.fingerprint);
  });

  it("reset() after divergence starts again from the initial weights", () => {
    const {run, timer} = make({}, wild, wildTraining, wildTrain);
    run.start();
    timer.drain(1000);
    expect(run.state.status).toBe("diverged");
    run.reset();
    expect(run.state).toMatchObject({status: "idle", steps: 0, message: "", fingerprint: fingerprint(new Network(wild).layers)});
  });
});

describe("LiveRun.subscribe", () => {
  it("calls the listener at once and on every change; the unsubscriber stops the calls", () => {
    const {run, timer} = make();
    const seen: RunState[] = [];
    const unsubscribe = run.subscribe((s) => seen.push(s));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({status: "idle", steps: 0});
    run.step();
    expect(seen).toHaveLength(2);
    expect(seen[1]).toMatchObject({status: "paused", steps: 1});
    run.start();
    expect(seen.at(-1)!.status).toBe("training");
    const count = seen.length;
    timer.round();
    expect(seen.length).toBeGreaterThan(count);
    expect(seen.at(-1)!.steps).toBe(run.state.steps);
    run.pause();
    expect(seen.at(-1)!.status).toBe("paused");
    unsubscribe();
    const final = seen.length;
    run.start();
    timer.round();
    run.step();
    run.reset();
    expect(seen).toHaveLength(final);
  });

  it("hands out snapshots: a later change does not alter a state already delivered", () => {
    const {run} = make();
    let first: RunState | undefined;
    run.subscribe((s) => (first ??= s));
    const history = first!.history.length;
    run.step();
    run.step();
    expect(first!.steps).toBe(0);
    expect(first!.history).toHaveLength(history);
  });
});

describe("LiveRun.dispose", () => {
  it("stops everything: queued ticks, start, step and listeners", () => {
    const {run, timer} = make();
    const listener = vi.fn();
    run.subscribe(listener);
    run.start();
    timer.round();
    run.dispose();
    const s = run.state;
    const calls = listener.mock.calls.length;
    timer.drain();
    run.start();
    run.step();
    timer.drain();
    expect(timer.queue).toHaveLength(0);
    expect(run.state.steps).toBe(s.steps);
    expect(run.state.fingerprint).toBe(s.fingerprint);
    expect(listener).toHaveBeenCalledTimes(calls);
  });
});

describe("LiveRun determinism", () => {
  it("two runs of the same config give the same weights and history, however the work is sliced", () => {
    const a = make({maxEpochs: 3, sliceMs: 30});
    const b = make({maxEpochs: 3, sliceMs: 101});
    a.run.start();
    b.run.start();
    a.timer.drain();
    b.timer.drain();
    const c = make();
    for (let k = 0; k < (3 * TRAIN) / BATCH; k++) c.run.step();
    const [sa, sb, sc] = [a.run.state, b.run.state, c.run.state];
    expect(sa.samplesSeen).toBe(3 * TRAIN);
    expect(sb.fingerprint).toBe(sa.fingerprint);
    expect(sc.fingerprint).toBe(sa.fingerprint);
    expect(sb.history).toEqual(sa.history);
    expect(sc.history).toEqual(sa.history);
    expect(sa.history).toHaveLength((3 * TRAIN) / EVAL_EVERY + 1);
  });
});

describe("decimateHistory(history, max)", () => {
  it("leaves a history within the bound alone", () => {
    const h = [1, 2, 3];
    expect(decimateHistory(h, 3)).toEqual([1, 2, 3]);
  });

  it("thins the older half only, keeping the first point and the recent half whole", () => {
    const h = Array.from({length: 11}, (_, i) => i);
    expect(decimateHistory(h, 10)).toEqual([0, 2, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("keeps any number of pushes within the bound, with the latest point last", () => {
    const h: number[] = [];
    for (let i = 0; i < 100_000; i++) decimateHistory((h.push(i), h), 64);
    expect(h.length).toBeLessThanOrEqual(64);
    expect(h[0]).toBe(0);
    expect(h.at(-1)).toBe(99_999);
    for (let k = 1; k < h.length; k++) expect(h[k]).toBeGreaterThan(h[k - 1]);
  });
});

describe("LiveRun history", () => {
  it("stays within maxHistory on a long run and still ends at the latest evaluation", () => {
    const {run, timer} = make({maxHistory: 16, evalEvery: 1});
    run.step();
    for (let k = 0; k < 200; k++) run.step();
    const {history, samplesSeen} = run.state;
    expect(history.length).toBeLessThanOrEqual(16);
    expect(history.at(-1)!.samples).toBe(samplesSeen);
    expect(history[0].samples).toBe(0);
    expect(timer.queue.length).toBe(0);
  });

  it("refuses a maxHistory below 16", () => {
    expect(() => make({maxHistory: 4})).toThrow(/invalid maxHistory: 4/);
  });
});

describe("LiveRun.adopt", () => {
  it("continues from a network trained elsewhere, with its counters and fingerprint", () => {
    const trained = reference(5);
    const {run} = make();
    run.adopt(new Network(trained.config, trained.layers), {steps: 5, samplesSeen: 5 * (training.batchSize ?? 1)});
    const state = run.state;
    expect(state.fingerprint).toBe(fingerprint(trained.layers));
    expect(state.steps).toBe(5);
    expect(state.status).toBe("paused");
    run.step();
    expect(run.state.steps).toBe(6);
    run.reset();
    expect(run.state.fingerprint).toBe(initialFingerprint);
  });

  it("refuses a network of another shape", () => {
    const {run} = make();
    const other = new Network({...config, layers: [config.layers[0], 3, config.layers.at(-1)!]});
    expect(() => run.adopt(other)).toThrow(/invalid network: layers/);
  });
});

describe("LiveRun diagnose", () => {
  it("stops the run with the check's message, refuses Train and Step until Reset, and Reset recovers", () => {
    let verdict = "";
    const {run, timer} = make({diagnose: () => (verdict ? {code: "dead-layer", layer: 1, message: verdict} : null)});
    const states: RunState[] = [];
    run.subscribe((s) => states.push(s));
    run.start();
    timer.round();
    expect(run.state.status).toBe("training");
    verdict = "every unit of H1 is dead";
    timer.drain();
    const stopped = run.state;
    expect(stopped.status).toBe("stopped");
    expect(stopped.message).toBe("every unit of H1 is dead");
    expect(stopped.end).toEqual({kind: "stopped", diagnosis: {code: "dead-layer", layer: 1, message: "every unit of H1 is dead"}});
    expect(run.ended).toBe(true);
    // The check runs at evaluations: the run stopped on an evaluation boundary.
    expect(stopped.samplesSeen % EVAL_EVERY).toBe(0);
    run.start();
    run.step();
    timer.drain();
    expect(run.state.steps).toBe(stopped.steps);
    expect(run.state.status).toBe("stopped");
    verdict = "";
    run.reset();
    expect(run.state.status).toBe("idle");
    expect(run.state.end).toBeNull();
    run.step();
    expect(run.state.status).toBe("paused");
    expect(states.some((s) => s.status === "stopped")).toBe(true);
  });
});

describe("LiveRun: a figure on screen belongs to the weights on screen", () => {
  it("after Step and after Pause between two evaluations, the test figures are those of the current weights; the history stays on its schedule", () => {
    const {run, timer} = make();
    for (let k = 0; k < 3; k++) run.step();
    const stepped = run.state;
    expect(stepped.samplesSeen % EVAL_EVERY).not.toBe(0);
    const now = evaluate(run.network, test);
    expect(stepped.testAccuracy).toBe(now.accuracy);
    expect(stepped.testLoss).toBe(now.loss);
    expect(stepped.history.every((p) => p.samples % EVAL_EVERY === 0)).toBe(true);
    run.start();
    timer.round();
    run.pause();
    const paused = run.state;
    expect(paused.testLoss).toBe(evaluate(run.network, test).loss);
    expect(paused.history.every((p) => p.samples % EVAL_EVERY === 0)).toBe(true);
  });
});
