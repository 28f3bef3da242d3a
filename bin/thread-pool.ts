/**
 * The CLI's worker-thread pool (node:worker_threads), built so a sweep cannot hang or lose work:
 *
 * - a task that throws in its thread rejects with TaskThrew (the message is the task's own) and
 *   is not retried: the same inputs would throw again;
 * - a thread that dies (an `exit` event: process.exit in the thread, an out-of-memory kill, a
 *   terminate from outside; or an uncaught `error` event) is detected, its task is retried once on
 *   a fresh thread, and a second death rejects with WorkerDied; no other task is affected;
 * - at most `size` threads, started lazily (never more threads than tasks);
 * - destroy() terminates every thread and rejects what is queued or running with PoolDestroyed.
 *
 * Thread side: `serveThreadTasks((payload) => result)` at the top of the worker module.
 * Messages: main → thread {id, payload}; thread → main {id, ok: true, result} | {id, ok: false, message}.
 */
import {parentPort, Worker} from "node:worker_threads";

export class TaskThrew extends Error {
  override name = "TaskThrew";
}
export class WorkerDied extends Error {
  override name = "WorkerDied";
}
export class PoolDestroyed extends Error {
  override name = "PoolDestroyed";
}

type Reply = {id: number; ok: true; result: unknown} | {id: number; ok: false; message: string};

/** Thread side: answers each task with `handler`'s result or its exception's message. */
export function serveThreadTasks<T, R>(handler: (payload: T) => R): void {
  parentPort?.on("message", ({id, payload}: {id: number; payload: T}) => {
    let reply: Reply;
    try {
      reply = {id, ok: true, result: handler(payload)};
    } catch (error) {
      reply = {id, ok: false, message: error instanceof Error ? error.message : String(error)};
    }
    parentPort!.postMessage(reply);
  });
}

interface Task {
  id: number;
  payload: unknown;
  /** Deaths of the threads that ran it. */
  deaths: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
  dead: boolean;
}

export interface ThreadPoolOptions {
  /** Threads at most (started lazily). */
  size: number;
  /** Passed to every thread as workerData (copied once per thread). */
  workerData?: unknown;
  /** Called when a thread dies under a task, before the task is retried or failed. */
  onDeath?: (message: string, task: unknown, willRetry: boolean) => void;
}

export class ThreadPool {
  private readonly filename: string;
  private readonly options: ThreadPoolOptions;
  private slots: Slot[] = [];
  private queue: Task[] = [];
  private nextId = 1;
  private destroyed = false;

  constructor(filename: string, options: ThreadPoolOptions) {
    if (!(Number.isInteger(options.size) && options.size >= 1)) throw new RangeError(`invalid size: ${options.size} (expected an integer ≥ 1)`);
    this.filename = filename;
    this.options = options;
  }

  /** Threads alive now. */
  get threads(): number {
    return this.slots.length;
  }

  run<R>(payload: unknown): Promise<R> {
    if (this.destroyed) return Promise.reject(new PoolDestroyed("the pool was destroyed"));
    return new Promise<R>((resolve, reject) => {
      this.queue.push({id: this.nextId++, payload, deaths: 0, resolve: resolve as (v: unknown) => void, reject});
      this.pump();
    });
  }

  /** Terminates every thread; queued and running tasks reject with PoolDestroyed. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    for (const task of this.queue.splice(0)) task.reject(new PoolDestroyed("the pool was destroyed"));
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      slot.dead = true;
      slot.task?.reject(new PoolDestroyed("the pool was destroyed"));
      slot.task = null;
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(this.filename, {workerData: this.options.workerData});
    const slot: Slot = {worker, task: null, dead: false};
    worker.on("message", (reply: Reply) => {
      const task = slot.task;
      if (slot.dead || !task || reply.id !== task.id) return;
      slot.task = null;
      if (reply.ok) task.resolve(reply.result);
      else task.reject(new TaskThrew(reply.message));
      this.pump();
    });
    worker.on("error", (error) => this.died(slot, `its worker thread crashed: ${error.message}`));
    worker.on("exit", (code) => this.died(slot, `its worker thread exited (code ${code})`));
    this.slots.push(slot);
    return slot;
  }

  private died(slot: Slot, message: string): void {
    if (slot.dead) return;
    slot.dead = true;
    void slot.worker.terminate();
    this.slots = this.slots.filter((s) => s !== slot);
    const task = slot.task;
    slot.task = null;
    if (task) {
      task.deaths++;
      const retry = task.deaths < 2;
      this.options.onDeath?.(message, task.payload, retry);
      // Retried once on a fresh thread; a second death fails the task, nothing else.
      if (retry) this.queue.unshift(task);
      else task.reject(new WorkerDied(`${message}, twice`));
    }
    this.pump();
  }

  private pump(): void {
    if (this.destroyed) return;
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.task);
      if (!slot) {
        if (this.slots.length >= this.options.size) return;
        slot = this.spawn();
      }
      const task = this.queue.shift()!;
      slot.task = task;
      slot.worker.postMessage({id: task.id, payload: task.payload});
    }
    // Idle threads beyond what is queued stay for the next task; destroy() ends them.
  }
}
