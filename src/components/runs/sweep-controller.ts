/**
 * A sweep's lifecycle on a page: runs every run of a grid on a WorkerPool, with progress per run
 * and overall, cancel and resume (completed runs are kept, the rest run again), and dispose
 * (terminates every worker: changing the grid disposes the old controller, so no worker outlives
 * the grid it was started for).
 *
 *   const sweep = new SweepController(grid, pool);
 *   sweep.subscribe((state) => …);   // status, done, total, results, progress per run, failures
 *   sweep.start(); sweep.cancel(); sweep.resume(); sweep.dispose();
 */
import {CancelledError, type WorkerPool} from "./worker-pool.js";
import {expandGrid, type CurvePoint, type SweepGrid, type SweepResult, type SweepRun} from "./sweep.js";

export type SweepStatus = "idle" | "running" | "cancelled" | "done" | "disposed";

export interface SweepState {
  status: SweepStatus;
  total: number;
  done: number;
  /** Completed results, in completion order. */
  results: SweepResult[];
  /** Fraction done (0–1) of each run, by run index. */
  progress: number[];
  /** Runs that failed twice (worker crash or error): run index → message. */
  failures: Map<number, string>;
}

export class SweepController {
  readonly grid: SweepGrid;
  readonly runs: SweepRun[];
  private readonly pool: WorkerPool;
  private status: SweepStatus = "idle";
  private readonly results = new Map<number, SweepResult>();
  private readonly progress: number[];
  private readonly failures = new Map<number, string>();
  private readonly listeners = new Set<(state: SweepState) => void>();
  private pending = 0;
  private lastNotify = 0;

  constructor(grid: SweepGrid, pool: WorkerPool) {
    this.grid = grid;
    this.pool = pool;
    this.runs = expandGrid(grid);
    this.progress = this.runs.map(() => 0);
  }

  get state(): SweepState {
    return {status: this.status, total: this.runs.length, done: this.results.size, results: [...this.results.values()], progress: this.progress.slice(), failures: new Map(this.failures)};
  }

  subscribe(listener: (state: SweepState) => void): () => void {
    this.listeners.add(listener);
    listener(this.state);
    return () => this.listeners.delete(listener);
  }

  /** Queues every run not yet completed. */
  start(): void {
    if (this.status === "running" || this.status === "disposed") return;
    const todo = this.runs.filter((r) => !this.results.has(r.index) && !this.failures.has(r.index));
    if (!todo.length) return this.set("done");
    this.set("running");
    this.pending = todo.length;
    for (const run of todo) {
      this.progress[run.index] = 0;
      this.pool
        .run<SweepResult, {point: CurvePoint; fraction: number}>({grid: this.grid, run}, ({fraction}) => {
          this.progress[run.index] = fraction;
          this.notify(false);
        })
        .then(
          (result) => {
            this.results.set(run.index, result);
            this.progress[run.index] = 1;
          },
          (error: Error) => {
            if (!(error instanceof CancelledError)) this.failures.set(run.index, error.message);
          }
        )
        .finally(() => {
          if (--this.pending === 0 && this.status === "running") this.set("done");
          else this.notify(false);
        });
    }
  }

  /** Stops the runs in progress (their partial work is lost); completed results stay. */
  cancel(): void {
    if (this.status !== "running") return;
    this.status = "cancelled";
    this.pool.cancel();
    for (const run of this.runs) if (!this.results.has(run.index)) this.progress[run.index] = 0;
    this.notify(true);
  }

  /** Runs what a cancel left undone. */
  resume(): void {
    if (this.status === "cancelled") this.start();
  }

  dispose(): void {
    this.status = "disposed";
    this.pool.dispose();
    this.listeners.clear();
  }

  private set(status: SweepStatus): void {
    this.status = status;
    this.notify(true);
  }

  private notify(force: boolean): void {
    const t = Date.now();
    if (!force && t - this.lastNotify < 150) return;
    this.lastNotify = t;
    const state = this.state;
    for (const listener of this.listeners) listener(state);
  }
}
