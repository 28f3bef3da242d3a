/**
 * The contract every training lifecycle on a page keeps: the main-thread `LiveRun`, the Web
 * Worker's `WorkerRun`, the 5×5 page's `TinyRun` and the Compare page's `SweepController`. A page
 * (and the shared run panel, views/run-panel.ts) drives any of them the same way:
 *
 *   const off = run.subscribe((state) => …);   // called now, then after every change
 *   run.start(); run.pause(); run.step(); run.reset();
 *   run.dispose();                              // on the cell's invalidation: nothing trains after it
 *
 * What "ended" means: the run cannot train any more until reset(), because it diverged (a
 * non-finite loss or weight), a diagnosis stopped it (e.g. a whole hidden layer is dead), its
 * worker crashed, or it finished everything it had to do (a sweep with every run done). Why it
 * ended is a typed field of the state (`end`), never parsed from the reader-facing message.
 */

/**
 * idle: nothing trained since the seed's weights; training: working in the background; paused:
 * trained some, waiting; diverged / stopped / crashed / done: ended (see RunEnd).
 */
export type RunStatus = "idle" | "training" | "paused" | "diverged" | "stopped" | "crashed" | "done";

/** A diagnosis that stops a run: a machine-readable code, the reader-facing sentence, and where. */
export interface Diagnosis {
  /** e.g. "dead-layer", "zero-init". */
  code: string;
  /** One or two sentences for the reader, saying what to do. */
  message: string;
  /** The 1-based hidden layer it is about, when it is about one. */
  layer?: number;
}

/** Why a run ended; `null` in a state that can still train. */
export type RunEnd =
  | {kind: "diverged"; /** the update whose loss or weights became non-finite */ step: number; reason: string}
  | {kind: "stopped"; diagnosis: Diagnosis}
  | {kind: "crashed"; /** the worker's error message */ error: string}
  | {kind: "done"};

/** The fields every run state has; each lifecycle adds its own figures. */
export interface RunStateBase {
  status: RunStatus;
  /** Reader-facing sentence about the status (why it ended, why it paused); "" when none. */
  message: string;
  /** Why the run ended, or null. */
  end: RunEnd | null;
}

/** The lifecycle contract (see the module comment). */
export interface Run<S extends RunStateBase = RunStateBase> {
  /** The latest state; a fresh object after every change. */
  readonly state: S;
  /** True while it trains in the background. */
  readonly training: boolean;
  /** True once it ended: start() and step() do nothing until reset(). */
  readonly ended: boolean;
  /** Calls `listener` now and after every change (throttled while training). Returns the unsubscriber. */
  subscribe(listener: (state: S) => void): () => void;
  /** Starts or resumes training in the background; does nothing once ended or disposed. */
  start(): void;
  /** Stops after the current slice of work. */
  pause(): void;
  /** One unit of work (an update, an iteration, a sweep run), then paused. May resolve later. */
  step(): unknown;
  /** Back to the seed's starting point: status idle, history cleared, ended cleared. */
  reset(): void;
  /** Stops for good and drops every listener; later calls do nothing. */
  dispose(): void;
}

/** Statuses in which a run cannot train until reset(). */
export const ENDED_STATUSES: readonly RunStatus[] = ["diverged", "stopped", "crashed", "done"];

/** True for an ended status (see ENDED_STATUSES). */
export function isEnded(status: RunStatus): boolean {
  return ENDED_STATUSES.includes(status);
}

/**
 * The one status → message-box rule of every page: a run that diverged, was stopped by a
 * diagnosis or crashed gets a "caution" box; every other message (paused by its budget, done)
 * a "note".
 */
export function messageKind(status: RunStatus): "note" | "caution" {
  return status === "diverged" || status === "stopped" || status === "crashed" ? "caution" : "note";
}

/** The end a status implies when nothing more specific is known (a state restored from elsewhere). */
export function endOf(status: RunStatus, message: string): RunEnd | null {
  switch (status) {
    case "diverged":
      return {kind: "diverged", step: NaN, reason: message};
    case "stopped":
      return {kind: "stopped", diagnosis: {code: "unknown", message}};
    case "crashed":
      return {kind: "crashed", error: message};
    case "done":
      return {kind: "done"};
    default:
      return null;
  }
}

/**
 * The one listener set every lifecycle uses: `subscribe` calls the listener at once with the
 * current state; `emit` sends the current state to every listener, at most once per `throttleMs`
 * unless forced (a run that stops always reports its final state).
 *
 *   private readonly emitter = new Emitter(() => this.state, 100);
 *   subscribe(listener) { return this.emitter.subscribe(listener); }
 *   this.emitter.emit(false);   // throttled, while training
 */
export class Emitter<S> {
  private readonly listeners = new Set<(state: S) => void>();
  private last = -Infinity;

  /**
   * read: builds the current state (called once per emit, only when someone listens).
   * throttleMs: least time between two unforced emits (default 0). clock: ms, for tests.
   */
  constructor(
    private readonly read: () => S,
    public throttleMs = 0,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  subscribe(listener: (state: S) => void): () => void {
    this.listeners.add(listener);
    listener(this.read());
    return () => void this.listeners.delete(listener);
  }

  /** Sends the current state to every listener; unforced emits are throttled. Returns whether it sent. */
  emit(force = true): boolean {
    if (this.listeners.size === 0) return false;
    const t = this.clock();
    if (!force && t - this.last < this.throttleMs) return false;
    this.last = t;
    const state = this.read();
    for (const listener of [...this.listeners]) listener(state);
    return true;
  }

  /** Sends a given state (one received from elsewhere, e.g. a worker) to every listener. */
  send(state: S): void {
    this.last = this.clock();
    for (const listener of [...this.listeners]) listener(state);
  }

  /** Drops every listener (on dispose). */
  clear(): void {
    this.listeners.clear();
  }

  get size(): number {
    return this.listeners.size;
  }
}
