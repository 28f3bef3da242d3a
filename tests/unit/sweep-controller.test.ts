import {describe, expect, it} from "vitest";
import {SweepController, type SweepState} from "../../src/components/runs/sweep-controller.js";
import {DEFAULT_GRID, validateGrid, type SweepResult, type SweepRun} from "../../src/components/runs/sweep.js";
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
