/**
 * The one worker runtime of the workbook's pages: a pool of Web Workers that run tasks off the
 * main thread, with progress, cancellation, one retry after a crash, and no orphan workers.
 *
 * Worker side (a module worker):
 *   serveTasks({init(payload) {…}, run(payload, progress) {… return result}})
 * Page side:
 *   const pool = new WorkerPool(() => new Worker(import.meta.resolve("./components/runs/sweep-worker.js"), {type: "module"}), {size: 2, init: data});
 *   const result = await pool.run(task, (progress) => …);   // rejects with CancelledError on cancel()
 *   pool.cancel();   // drops queued tasks, terminates busy workers (their tasks reject), keeps the pool usable
 *   pool.dispose();  // terminates every worker for good
 *
 * Messages: page → worker {type: "init", payload} once per worker, {type: "run", id, payload};
 * worker → page {type: "progress", id, payload}, {type: "done", id, payload}, {type: "failed", id, message},
 * {type: "alive"} (the heartbeat: every HEARTBEAT_MS while idle, and from `beat()` while a task runs).
 *
 * A worker that dies is detected two ways: an error event, or silence (no message for
 * `heartbeatTimeout` while it holds a task: a worker closed or killed without an error event). Either
 * way it is terminated and its task retried once on a fresh worker; nothing else is affected.
 *
 * Sessions, for work that is a conversation rather than a task (a live training run that is
 * started, paused, stepped and reset while it reports its state):
 *   worker:  serveSession((init, post) => (message) => { … post(reply, transfer) … })
 *   page:    const session = new WorkerSession(make, init, (message) => …, {onCrash});
 *            session.post(message); session.dispose();
 */

export class CancelledError extends Error {
  override name = "CancelledError";
}

/** The worker side's heartbeat period while idle, and the most often `beat()` posts. */
export const HEARTBEAT_MS = 1000;

/** A task that failed in the worker (an exception), or whose worker crashed twice. */
export class TaskError extends Error {
  override name = "TaskError";
}

type ToWorker = {type: "init"; payload: unknown} | {type: "run"; id: number; payload: unknown};
type FromWorker = {type: "progress"; id: number; payload: unknown} | {type: "done"; id: number; payload: unknown} | {type: "failed"; id: number; message: string} | {type: "alive"};

/**
 * Worker side: answers the pool's messages with `handlers`. Call once at the top of a worker module.
 * A long task calls `beat()` often (it posts a heartbeat at most every HEARTBEAT_MS), so the pool
 * can tell a busy worker from a dead one.
 */
export function serveTasks<I, T, R, P>(handlers: {init(payload: I): void; run(payload: T, progress: (p: P) => void, beat: () => void): R}): void {
  const scope = globalThis as unknown as {onmessage: ((e: MessageEvent<ToWorker>) => void) | null; postMessage(message: FromWorker): void};
  let last = 0;
  const beat = () => {
    const now = Date.now();
    if (now - last < HEARTBEAT_MS) return;
    last = now;
    scope.postMessage({type: "alive"});
  };
  setInterval(beat, HEARTBEAT_MS);
  scope.onmessage = ({data}) => {
    if (data.type === "init") return handlers.init(data.payload as I);
    const {id} = data;
    try {
      const result = handlers.run(data.payload as T, (payload) => ((last = Date.now()), scope.postMessage({type: "progress", id, payload})), beat);
      scope.postMessage({type: "done", id, payload: result});
    } catch (error) {
      scope.postMessage({type: "failed", id, message: (error as Error).message});
    }
  };
}

interface Task {
  id: number;
  payload: unknown;
  attempts: number;
  onProgress?: (p: unknown) => void;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
  /** When the worker last said anything (ms, Date.now()). */
  heard: number;
}

export interface WorkerPoolOptions {
  /** Workers (default navigator.hardwareConcurrency, at least 1). */
  size?: number;
  /** Sent to every worker once, before its first task (e.g. the data set). */
  init?: unknown;
  /** Called when a worker crashes (before its task is retried or failed). */
  onCrash?: (message: string, attempts: number) => void;
  /** A worker holding a task that says nothing for this long (ms) is dead (default 10,000). */
  heartbeatTimeout?: number;
}

export class WorkerPool {
  readonly size: number;
  private readonly make: () => Worker;
  private readonly init: unknown;
  private readonly onCrash?: (message: string, attempts: number) => void;
  private slots: Slot[] = [];
  private queue: Task[] = [];
  private nextId = 1;
  private disposed = false;
  private readonly heartbeatTimeout: number;
  private watchdog: ReturnType<typeof setInterval> | null = null;

  /** throws RangeError for a size that is not an integer ≥ 1. */
  constructor(make: () => Worker, {size = Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1), init, onCrash, heartbeatTimeout = 10_000}: WorkerPoolOptions = {}) {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`invalid size: ${size} (expected an integer ≥ 1)`);
    this.size = size;
    this.make = make;
    this.init = init;
    this.onCrash = onCrash;
    this.heartbeatTimeout = heartbeatTimeout;
  }

  /** Workers alive now (started lazily, at most `size`). */
  get workers(): number {
    return this.slots.length;
  }

  /** Queues a task; resolves with the worker's result. Rejects with CancelledError, or TaskError. */
  run<R, P = unknown>(payload: unknown, onProgress?: (p: P) => void): Promise<R> {
    if (this.disposed) return Promise.reject(new CancelledError("the pool was disposed"));
    return new Promise<R>((resolve, reject) => {
      this.queue.push({id: this.nextId++, payload, attempts: 0, onProgress: onProgress as (p: unknown) => void, resolve: resolve as (v: unknown) => void, reject});
      this.pump();
    });
  }

  /** Rejects every queued and running task with CancelledError; busy workers are terminated and replaced lazily. */
  cancel(): void {
    for (const task of this.queue.splice(0)) task.reject(new CancelledError("cancelled"));
    this.slots = this.slots.filter((slot) => {
      if (!slot.task) return true;
      slot.worker.terminate();
      slot.task.reject(new CancelledError("cancelled"));
      return false;
    });
    this.watch();
  }

  /** Cancels everything and terminates every worker; the pool refuses new tasks. */
  dispose(): void {
    this.cancel();
    for (const slot of this.slots) slot.worker.terminate();
    this.slots = [];
    this.disposed = true;
    this.watch();
  }

  /** Runs the watchdog while some worker holds a task: a busy worker silent for heartbeatTimeout has died. */
  private watch(): void {
    const busy = !this.disposed && this.slots.some((s) => s.task);
    if (busy && !this.watchdog) {
      this.watchdog = setInterval(
        () => {
          const now = Date.now();
          for (const slot of this.slots)
            if (slot.task && now - slot.heard > this.heartbeatTimeout) this.crashed(slot, `the worker stopped answering (nothing for ${Math.round(this.heartbeatTimeout / 1000)} s)`);
        },
        Math.max(10, this.heartbeatTimeout / 4),
      );
    } else if (!busy && this.watchdog) {
      clearInterval(this.watchdog);
      this.watchdog = null;
    }
  }

  private spawn(): Slot {
    const slot: Slot = {worker: this.make(), task: null, heard: Date.now()};
    slot.worker.onmessage = ({data}: MessageEvent<FromWorker>) => {
      slot.heard = Date.now();
      const task = slot.task;
      if (data.type === "alive" || !task || data.id !== task.id) return;
      if (data.type === "progress") return task.onProgress?.(data.payload);
      slot.task = null;
      if (data.type === "done") task.resolve(data.payload);
      else task.reject(new TaskError(data.message));
      this.pump();
    };
    slot.worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.crashed(slot, event.message || "the worker crashed");
    };
    slot.worker.postMessage({type: "init", payload: this.init} satisfies ToWorker);
    this.slots.push(slot);
    return slot;
  }

  private crashed(slot: Slot, message: string): void {
    slot.worker.terminate();
    this.slots = this.slots.filter((s) => s !== slot);
    const task = slot.task;
    if (task) {
      this.onCrash?.(message, task.attempts);
      // Retried once on a fresh worker; a second crash fails the task, nothing else.
      if (task.attempts < 2) this.queue.unshift(task);
      else task.reject(new TaskError(`worker crashed twice: ${message}`));
    }
    this.pump();
    this.watch();
  }

  private pump(): void {
    if (this.disposed) return;
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.task);
      if (!slot) {
        if (this.slots.length >= this.size) break;
        slot = this.spawn();
      }
      const task = this.queue.shift()!;
      task.attempts++;
      slot.task = task;
      slot.heard = Date.now();
      slot.worker.postMessage({type: "run", id: task.id, payload: task.payload} satisfies ToWorker);
    }
    this.watch();
  }
}

/** What a session worker needs of its global scope (a worker's `self`; tests pass a MessagePort). */
export interface SessionScope {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

/**
 * Worker side of a session: the first message is the init payload, handed to `open` with a `post`
 * function; every later message goes to the handler `open` returns. An exception in `open` or in
 * the handler is posted as {type: "error", message} and the session goes on.
 */
export function serveSession<I>(
  open: (init: I, post: (message: unknown, transfer?: Transferable[]) => void) => (message: unknown) => void,
  scope: SessionScope = globalThis as unknown as SessionScope,
): void {
  let handler: ((message: unknown) => void) | null = null;
  const post = (message: unknown, transfer: Transferable[] = []) => scope.postMessage(message, transfer);
  scope.onmessage = ({data}) => {
    try {
      if (!handler) handler = open(data as I, post);
      else handler(data);
    } catch (error) {
      post({type: "error", message: (error as Error).message});
    }
  };
}

/**
 * Page side of a session: one worker, started at once with `init` (e.g. the data set, sent once),
 * whose messages go to `onMessage`. A crash (an uncaught error in the worker) terminates it and is
 * reported to `onCrash`; dispose() terminates it for good. Posting after either does nothing.
 */
export class WorkerSession {
  private worker: Worker | null;

  constructor(make: () => Worker, init: unknown, onMessage: (message: unknown) => void, {onCrash, transfer = []}: {onCrash?: (message: string) => void; transfer?: Transferable[]} = {}) {
    const worker = (this.worker = make());
    worker.onmessage = ({data}: MessageEvent) => {
      if (this.worker === worker) onMessage(data);
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault?.();
      if (this.worker !== worker) return;
      this.dispose();
      onCrash?.(event.message || "the worker crashed");
    };
    worker.postMessage(init, transfer);
  }

  /** False once disposed or crashed. */
  get alive(): boolean {
    return this.worker !== null;
  }

  post(message: unknown, transfer: Transferable[] = []): void {
    this.worker?.postMessage(message, transfer);
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}
