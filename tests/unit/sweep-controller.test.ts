import {describe, expect, it} from "vitest";
import {SweepController, type SweepState} from "../../src/components/runs/sweep-controller.js";
import {DEFAULT_GRID, planStage, validateGrid, type SweepResult, type SweepRun} from "../../src/components/runs/sweep.js";
import {validateSearch} from "../../src/components/runs/search.js";
import {CancelledError, TaskError, type WorkerPool} from "../../src/components/runs/worker-pool.js";

/** A pool whose tasks finish when the test says so: resolve(i) completes run i, fail(i) fails it. */
function fakePool() {
  const tasks = new Map<number, {resolve: (r: SweepResult) => void; reject: (e: Error) => void}>();
  let cancels = 0,
    disposed = false;
  const pool = {
    run(payload: {run: SweepRun}) {
      return new Promise((resolve, reject) => tasks.set(payload.run.index, {resolve, reject}));
    },
    cancel() {
      cancels++;
      for (const t of tasks.values()) t.reject(new CancelledError());
      tasks.clear();
    },
    dispose() {
      disposed = true;
    },
  } as unknown as WorkerPool;
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return {
    pool,
    tasks,
    get cancels() {
      return cancels;
    },
    get disposed() {
      return disposed;
    },
    async resolve(index: number) {
      tasks.get(index)!.resolve({index, fingerprint: `f${index}`} as unknown as SweepResult);
      tasks.delete(index);
      await settle();
    },
    async fail(index: number) {
      tasks.get(index)!.reject(new TaskError("worker crashed twice: boom"));
      tasks.delete(index);
      await settle();
    },
  };
}

const grid = validateGrid({...DEFAULT_GRID, inits: ["he-normal"], activations: ["relu"], lrs: [0.01, 0.1], seeds: 2, train: 100, test: 50});

describe("SweepController on the Run contract", () => {
  it("start runs every run; status training, then done (ended) with every result", async () => {
    const f = fakePool();
    const sweep = new SweepController(grid, f.pool);
    const seen: SweepState[] = [];
    sweep.subscribe((s) => seen.push(s));
    expect(sweep.state).toMatchObject({status: "idle", end: null, total: 4, done: 0});
    sweep.start();
    expect(sweep.training).toBe(true);
    expect(f.tasks.size).toBe(4);
    for (const i of [2, 0, 3, 1]) await f.resolve(i);
    expect(sweep.state).toMatchObject({status: "done", end: {kind: "done"}, done: 4});
    expect(sweep.ended).toBe(true);
    expect(seen.at(-1)!.status).toBe("done");
  });

  it("pause cancels the runs in progress and keeps completed ones; start resumes only the rest", async () => {
    const f = fakePool();
    const sweep = new SweepController(grid, f.pool);
    sweep.start();
    await f.resolve(0);
    sweep.pause();
    expect(sweep.state).toMatchObject({status: "paused", done: 1, end: null});
    expect(f.cancels).toBe(1);
    sweep.start();
    expect([...f.tasks.keys()].sort()).toEqual([1, 2, 3]);
    for (const i of [1, 2, 3]) await f.resolve(i);
    expect(sweep.state.status).toBe("done");
    expect(sweep.state.results.map((r) => r.index).sort()).toEqual([0, 1, 2, 3]);
  });

  it("step runs one pending run, then pauses; the last step ends it", async () => {
    const f = fakePool();
    const sweep = new SweepController(grid, f.pool);
    for (let k = 0; k < 3; k++) {
      sweep.step();
      expect(f.tasks.size).toBe(1);
      await f.resolve([...f.tasks.keys()][0]);
      expect(sweep.state.status).toBe("paused");
    }
    sweep.step();
    await f.resolve([...f.tasks.keys()][0]);
    expect(sweep.state).toMatchObject({status: "done", done: 4});
  });

  it("a run that fails twice is recorded, the others complete, and done says how many failed", async () => {
    const f = fakePool();
    const sweep = new SweepController(grid, f.pool);
    sweep.start();
    await f.fail(1);
    for (const i of [0, 2, 3]) await f.resolve(i);
    const s = sweep.state;
    expect(s.status).toBe("done");
    expect(s.failures.get(1)).toMatch(/crashed twice/);
    expect(s.message).toBe("1 run failed and was left out.");
  });

  it("says when a worker died under a run and the run was retried (the pool's onCrash)", async () => {
    const f = fakePool();
    const sweep = new SweepController(grid, f.pool);
    sweep.start();
    sweep.noteCrash("the worker stopped answering (nothing for 10 s)");
    for (const i of [0, 1, 2, 3]) await f.resolve(i);
    expect(sweep.state).toMatchObject({status: "done", done: 4, crashes: 1});
    expect(sweep.state.message).toBe("A worker died under a run (the worker stopped answering (nothing for 10 s)); its run was retried on a fresh worker.");
  });

  it("reset drops every result; dispose ends the pool and silences listeners", async () => {
    const f = fakePool();
    const sweep = new SweepController(grid, f.pool);
    sweep.start();
    await f.resolve(0);
    sweep.reset();
    expect(sweep.state).toMatchObject({status: "idle", done: 0});
    expect(sweep.state.progress.every((p) => p === 0)).toBe(true);
    let calls = 0;
    sweep.subscribe(() => calls++);
    sweep.dispose();
    sweep.start();
    expect(f.disposed).toBe(true);
    expect(calls).toBe(1);
  });
});

describe("SweepController with successive halving", () => {
  it("plans each stage from the last one's results, as the CLI does, and reports progress per rung", async () => {
    const g = validateGrid({...DEFAULT_GRID, train: 90, test: 50, seeds: 1});
    const search = validateSearch({kind: "asha", trials: 9, reduction: 3, rungs: 3, ranges: {lr: [0.001, 1]}});
    // Accuracy rises with η in this fake, so the largest η are promoted.
    const pool = {
      run: (payload: {run: SweepRun}) => Promise.resolve({...payload.run, fingerprint: `f${payload.run.index}`, testAccuracy: Math.log10(payload.run.config.lr) + 4} as unknown as SweepResult),
      cancel() {},
      dispose() {},
    } as unknown as WorkerPool;
    const sweep = new SweepController(g, pool, search);
    expect(sweep.state.stages).toBe(3);
    expect(sweep.state.rungs).toEqual([{rung: 0, budget: 10, done: 0, total: 9}]);
    sweep.start();
    for (let k = 0; k < 20 && sweep.state.status !== "done"; k++) await new Promise((r) => setTimeout(r, 0));
    const state = sweep.state;
    expect(state.status).toBe("done");
    expect(state.rungs).toEqual([
      {rung: 0, budget: 10, done: 9, total: 9},
      {rung: 1, budget: 30, done: 3, total: 3},
      {rung: 2, budget: 90, done: 1, total: 1},
    ]);
    const expected = [1, 2, 3].reduce<SweepResult[]>(
      (done, stage) => [...done, ...planStage(g, search, stage, done).map((r) => ({...r, testAccuracy: Math.log10(r.config.lr) + 4}) as unknown as SweepResult)],
      [],
    );
    expect(state.results.map((r) => r.index).sort((a, b) => a - b)).toEqual(expected.map((r) => r.index).sort((a, b) => a - b));
    const best = expected.filter((r) => r.rung === 0).sort((a, b) => b.config.lr - a.config.lr)[0];
    expect(state.results.find((r) => r.rung === 2)!.trial).toBe(best.trial);
  });
});
