/**
 * A sweep's lifecycle on a page: runs every run of a grid or a search on a WorkerPool, with
 * progress per run, per rung and overall, cancel and resume (completed runs are kept, the rest run
 * again), and dispose (terminates every worker: changing the grid disposes the old controller, so
 * no worker outlives the grid it was started for). Successive halving runs stage by stage, as the
 * CLI does: when a stage's runs have all finished, the next stage's runs are planned from them
 * (sweep.ts planStage) and queued; a stage with failed runs ends the search there.
 *
 *   const sweep = new SweepController(grid, pool, search);
 *   sweep.subscribe((state) => …);   // status, done, total, results, progress per run, failures
 *   sweep.start(); sweep.pause(); sweep.start(); sweep.step(); sweep.reset(); sweep.dispose();
 */
import {CancelledError, type WorkerPool} from "./worker-pool.js";
import {Emitter, type Run, type RunStateBase} from "./run.js";
import {planStage, trialConfigs, type CurvePoint, type SweepGrid, type SweepResult, type SweepRun} from "./sweep.js";
import {GRID_SEARCH, rungBudget, stageCount, type SearchSpec} from "./search.js";

/**
 * A sweep's status on the Run contract: training = its runs are in progress ("running" on the
 * page), paused = cancelled (completed results kept), done = every run completed or failed.
 */
export type SweepStatus = "idle" | "training" | "paused" | "done";

/** The words the Compare pages show for a sweep's status. */
export const SWEEP_STATUS_LABELS: Record<SweepStatus, string> = {idle: "idle", training: "running", paused: "cancelled", done: "done"};

export interface SweepState extends RunStateBase {
  status: SweepStatus;
  total: number;
  done: number;
  /** Completed results, in completion order. */
  results: SweepResult[];
  /** Fraction done (0–1) of each run, by run index. */
  progress: number[];
  /** Runs that failed (an error in the run, or its worker died twice): run index → message. */
  failures: Map<number, string>;
  /** Workers that died under a run (the run was retried on a fresh worker, or failed on a second death). */
  crashes: number;
  /** The stage in progress (1-based) and how many the search has (1 for a grid or a random search). */
  stage: number;
  stages: number;
  /** Per rung planned so far: its budget in samples, runs finished (or failed) and runs planned. */
  rungs: {rung: number; budget: number; done: number; total: number}[];
}

/**
 * The sweep on the Run contract (runs/run.ts): start (queue every run not yet completed), pause
 * (cancel the runs in progress, keep completed ones), step (queue only the next pending run),
 * reset (drop every result), dispose (terminate every worker). Ended = done.
 */
export class SweepController implements Run<SweepState> {
  readonly grid: SweepGrid;
  readonly search: SearchSpec;
  /** The runs planned so far: every run of a grid or random search; successive halving's grow stage by stage. */
  readonly runs: SweepRun[];
  private stage = 1;
  private readonly configs;
  private readonly pool: WorkerPool;
  private status: SweepStatus = "idle";
  private disposed = false;
  private readonly results = new Map<number, SweepResult>();
  private readonly progress: number[];
  private readonly failures = new Map<number, string>();
  private crashes = 0;
  private lastCrash = "";
  private readonly emitter = new Emitter<SweepState>(() => this.state, 150);
  private pending = 0;
  /** Bumped by every start and reset; completions of an older batch are ignored. */
  private batch = 0;

  constructor(grid: SweepGrid, pool: WorkerPool, search: SearchSpec = GRID_SEARCH) {
    this.grid = grid;
    this.search = search;
    this.pool = pool;
    this.configs = trialConfigs(grid, search);
    this.runs = planStage(grid, search, 1, [], this.configs);
    this.progress = Array.from({length: stageCount(search) * this.configs.length * grid.seeds}, () => 0);
  }

  /** Plans the next stage when every run planned so far finished (none failed); returns whether it did. */
  private advance(): boolean {
    if (this.stage >= stageCount(this.search) || this.failures.size || this.runs.some((r) => !this.results.has(r.index))) return false;
    this.stage++;
    this.runs.push(...planStage(this.grid, this.search, this.stage, [...this.results.values()], this.configs));
    return true;
  }

  get state(): SweepState {
    const failed = this.failures.size;
    const retried = this.crashes
      ? `${this.crashes === 1 ? "A worker" : `${this.crashes} workers`} died under a run (${this.lastCrash}); ${this.crashes === 1 ? "its run was" : "their runs were"} retried on a fresh worker.`
      : "";
    const halted = this.status === "done" && failed && this.stage < stageCount(this.search) ? ` The search stopped after stage ${this.stage}: its promotions need every result.` : "";
    const message = [this.status === "done" && failed ? `${failed} run${failed === 1 ? "" : "s"} failed and ${failed === 1 ? "was" : "were"} left out.${halted}` : "", retried]
      .filter(Boolean)
      .join(" ");
    return {
      status: this.status,
      message,
      end: this.status === "done" ? {kind: "done"} : null,
      total: this.runs.length,
      done: this.results.size,
      results: [...this.results.values()],
      progress: this.progress.slice(),
      failures: new Map(this.failures),
      crashes: this.crashes,
      stage: this.stage,
      stages: stageCount(this.search),
      rungs: Array.from({length: this.stage}, (_, rung) => {
        const runs = this.runs.filter((r) => r.rung === rung);
        return {
          rung,
          budget: rungBudget(this.search, rung, this.grid.epochs * this.grid.train),
          done: runs.filter((r) => this.results.has(r.index) || this.failures.has(r.index)).length,
          total: runs.length,
        };
      }),
    };
  }

  get training(): boolean {
    return this.status === "training";
  }

  get ended(): boolean {
    return this.status === "done";
  }

  subscribe(listener: (state: SweepState) => void): () => void {
    return this.emitter.subscribe(listener);
  }

  /** Queues every run not yet completed (or only the next one, with limit 1). */
  start(limit = Infinity): void {
    if (this.status === "training" || this.disposed) return;
    let todo = this.runs.filter((r) => !this.results.has(r.index) && !this.failures.has(r.index)).slice(0, limit);
    if (!todo.length && this.advance()) todo = this.runs.filter((r) => !this.results.has(r.index)).slice(0, limit);
    if (!todo.length) return this.set("done");
    this.set("training");
    this.pending = todo.length;
    const batch = ++this.batch;
    const last = todo.length === this.runs.length - this.results.size - this.failures.size && this.stage === stageCount(this.search);
    const whole = limit === Infinity;
    for (const run of todo) {
      this.progress[run.index] = 0;
      this.pool
        .run<SweepResult, {point: CurvePoint; fraction: number}>({grid: this.grid, run}, ({fraction}) => {
          if (batch !== this.batch) return;
          this.progress[run.index] = fraction;
          this.emitter.emit(false);
        })
        .then(
          (result) => {
            if (batch !== this.batch) return;
            this.results.set(run.index, result);
            this.progress[run.index] = 1;
          },
          (error: Error) => {
            if (batch === this.batch && !(error instanceof CancelledError)) this.failures.set(run.index, error.message);
          },
        )
        .finally(() => {
          if (batch !== this.batch || this.disposed) return;
          if (--this.pending === 0 && this.status === "training") {
            // A whole stage finished: successive halving plans and starts the next one.
            if (whole && !last && this.failures.size === 0 && this.advance()) {
              this.status = "idle";
              this.start();
            } else this.set(last || (whole && this.failures.size > 0 && this.search.kind === "asha") ? "done" : "paused");
          } else this.emitter.emit(false);
        });
    }
  }

  /**
   * Notes that a worker died under a run (the pool's onCrash: `new WorkerPool(make, {onCrash: (m) =>
   * sweep.noteCrash(m)})`), so the page can say that a run was retried.
   */
  noteCrash(message: string): void {
    this.crashes++;
    this.lastCrash = message;
    this.emitter.emit(true);
  }

  /** Runs only the next pending run, then pauses (or is done). */
  step(): void {
    this.start(1);
  }

  /** Stops the runs in progress (their partial work is lost); completed results stay. Status paused. */
  pause(): void {
    if (this.status !== "training") return;
    this.batch++;
    this.status = "paused";
    this.pool.cancel();
    for (const run of this.runs) if (!this.results.has(run.index)) this.progress[run.index] = 0;
    this.emitter.emit(true);
  }

  /** The Compare page's name for pause(). */
  cancel(): void {
    this.pause();
  }

  /** Runs what a cancel left undone. */
  resume(): void {
    if (this.status === "paused") this.start();
  }

  /** Drops every result and failure: back to idle, nothing run. */
  reset(): void {
    if (this.disposed) return;
    if (this.status === "training") this.pool.cancel();
    this.batch++;
    this.results.clear();
    this.failures.clear();
    this.crashes = 0;
    this.progress.fill(0);
    this.stage = 1;
    this.runs.splice(0, this.runs.length, ...planStage(this.grid, this.search, 1, [], this.configs));
    this.set("idle");
  }

  dispose(): void {
    this.disposed = true;
    this.batch++;
    this.pool.dispose();
    this.emitter.clear();
  }

  private set(status: SweepStatus): void {
    this.status = status;
    this.emitter.emit(true);
  }
}
