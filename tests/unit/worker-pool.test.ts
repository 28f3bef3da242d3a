import {describe, expect, it} from "vitest";
import {CancelledError, TaskError, WorkerPool} from "../../src/components/runs/worker-pool.js";

/**
 * A stand-in for a Web Worker: answers "run" messages on the next tick by doubling the payload,
 * reports one progress message, and can be told to crash (fire onerror) on given payloads.
 */
class FakeWorker {
  static alive = 0;
  static crashOn = new Map<number, number>(); // payload → crashes left
  static silentOn = new Map<number, number>(); // payload → silent deaths left (no error event, no message)
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  terminated = false;
  inits: unknown[] = [];
  constructor() {
    FakeWorker.alive++;
  }
  postMessage(message: {type: string; id?: number; payload: unknown}) {
    if (message.type === "init") return void this.inits.push(message.payload);
    const {id, payload} = message as {id: number; payload: number};
    setTimeout(() => {
      if (this.terminated) return;
      const silent = FakeWorker.silentOn.get(payload) ?? 0;
      if (silent > 0) return void FakeWorker.silentOn.set(payload, silent - 1);
      const left = FakeWorker.crashOn.get(payload) ?? 0;
      if (left > 0) {
        FakeWorker.crashOn.set(payload, left - 1);
        return this.onerror?.({message: `boom on ${payload}`, preventDefault() {}} as ErrorEvent);
      }
      this.onmessage?.({data: {type: "progress", id, payload: 0.5}} as MessageEvent);
      if (payload < 0) return this.onmessage?.({data: {type: "failed", id, message: "negative"}} as MessageEvent);
      this.onmessage?.({data: {type: "done", id, payload: payload * 2}} as MessageEvent);
    }, 1);
  }
  terminate() {
    if (!this.terminated) FakeWorker.alive--;
    this.terminated = true;
  }
}
const make = () => new FakeWorker() as unknown as Worker;

describe("WorkerPool", () => {
  it("runs tasks on at most `size` workers, each initialised once, with progress", async () => {
    FakeWorker.alive = 0;
    const pool = new WorkerPool(make, {size: 2, init: "data"});
    const progress: unknown[] = [];
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => pool.run<number>(n, (p) => progress.push(p))));
    expect(results).toEqual([2, 4, 6, 8, 10]);
    expect(pool.workers).toBe(2);
    expect(progress).toHaveLength(5);
    pool.dispose();
    expect(FakeWorker.alive).toBe(0);
  });

  it("retries a task once after its worker crashes, then fails it with TaskError; other tasks are unaffected", async () => {
    FakeWorker.alive = 0;
    const crashes: string[] = [];
    const pool = new WorkerPool(make, {size: 2, onCrash: (message) => crashes.push(message)});
    FakeWorker.crashOn = new Map([
      [7, 1],
      [9, 2],
    ]);
    const [once, twice, fine] = await Promise.allSettled([pool.run<number>(7), pool.run<number>(9), pool.run<number>(1)]);
    expect(once).toEqual({status: "fulfilled", value: 14});
    expect(twice.status).toBe("rejected");
    expect((twice as PromiseRejectedResult).reason).toBeInstanceOf(TaskError);
    expect((twice as PromiseRejectedResult).reason.message).toBe("worker crashed twice: boom on 9");
    expect(fine).toEqual({status: "fulfilled", value: 2});
    expect(crashes).toEqual(["boom on 7", "boom on 9", "boom on 9"]);
    pool.dispose();
    expect(FakeWorker.alive).toBe(0);
  });

  it("detects a worker that dies without an error event (silence past the heartbeat timeout) and retries its task once", async () => {
    FakeWorker.alive = 0;
    const crashes: string[] = [];
    const pool = new WorkerPool(make, {size: 2, heartbeatTimeout: 60, onCrash: (message) => crashes.push(message)});
    FakeWorker.silentOn = new Map([
      [5, 1],
      [6, 2],
    ]);
    const [once, twice, fine] = await Promise.allSettled([pool.run<number>(5), pool.run<number>(6), pool.run<number>(3)]);
    expect(once).toEqual({status: "fulfilled", value: 10});
    expect((twice as PromiseRejectedResult).reason).toBeInstanceOf(TaskError);
    expect((twice as PromiseRejectedResult).reason.message).toMatch(/^worker crashed twice: the worker stopped answering/);
    expect(fine).toEqual({status: "fulfilled", value: 6});
    expect(crashes).toHaveLength(3);
    pool.dispose();
    expect(FakeWorker.alive).toBe(0);
  });

  it("reports a task's own error as TaskError", async () => {
    const pool = new WorkerPool(make, {size: 1});
    await expect(pool.run(-1)).rejects.toThrow(TaskError);
    pool.dispose();
  });

  it("cancel rejects queued and running tasks, terminates busy workers, and the pool goes on", async () => {
    FakeWorker.alive = 0;
    const pool = new WorkerPool(make, {size: 1});
    const running = pool.run(1),
      queued = pool.run(2);
    pool.cancel();
    await expect(running).rejects.toThrow(CancelledError);
    await expect(queued).rejects.toThrow(CancelledError);
    expect(FakeWorker.alive).toBe(0);
    expect(await pool.run(3)).toBe(6);
    pool.dispose();
    await expect(pool.run(4)).rejects.toThrow(CancelledError);
    expect(FakeWorker.alive).toBe(0);
  });
});
