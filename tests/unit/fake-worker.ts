// A Web Worker for the page runs' unit tests, made of a Node MessageChannel: the worker side is the
// training worker's host (liveRunHost, as live-run-worker.ts serves it) running in this process.
//
//   const host = new TrainingWorker(fakeWorker, init);
//   const run = host.createRun(config, training);
//   const done = await until(run, (s) => s.status === "paused");
//
// Every fake made is closed after each test (afterEach, registered on import).
import {afterEach} from "vitest";
import {MessageChannel as NodeChannel} from "node:worker_threads";
import {serveSession, type SessionScope} from "../../src/components/runs/worker-pool.js";
import {liveRunHost} from "../../src/components/runs/worker-run.js";
import type {RunState} from "../../src/components/runs/live-run.js";

const made: {terminate(): void}[] = [];
afterEach(() => made.splice(0).forEach((w) => w.terminate()));

/** A fresh fake worker (what TrainingWorker's factory returns). */
export function fakeWorker(): Worker {
  const {port1, port2} = new NodeChannel();
  serveSession(liveRunHost, port2 as unknown as SessionScope);
  const worker = {
    set onmessage(f: (e: {data: unknown}) => void) {
      port1.on("message", (data) => f({data}));
    },
    onerror: null,
    postMessage: (m: unknown, transfer?: Transferable[]) => port1.postMessage(m, transfer as never),
    terminate() {
      port1.close();
      port2.close();
    },
  };
  made.push(worker);
  return worker as unknown as Worker;
}

/** Resolves with the first state of `run` (the current one included) that passes `test`, then unsubscribes. */
export const until = (run: {subscribe(f: (s: RunState) => void): () => void}, test: (s: RunState) => boolean) =>
  new Promise<RunState>((resolve) => {
    const off = run.subscribe((s) => {
      if (test(s)) {
        queueMicrotask(() => off());
        resolve(s);
      }
    });
  });
