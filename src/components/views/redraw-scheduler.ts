/**
 * A redraw scheduler for views that draw in several small jobs: the jobs of a redraw run back to
 * back until about one frame's budget (16 ms) of work is done, then yield to the browser
 * (setTimeout 0) and go on, so frames and other tasks interleave with the drawing.
 *
 * Redraws asked for with `schedule()` are throttled: at most one every `throttleMs`, and never
 * while the previous one's jobs are still queued (the newest request then waits for the queue to
 * drain; drawing is never dropped half way). `redraw()` runs now, unthrottled. After a queue
 * drains, `again()` returning true schedules the next redraw at once (a view following a
 * training run). `dispose()` cancels every pending timer, drops queued jobs and runs the
 * cleanups given to `own()` (observers, subscriptions).
 *
 * With `visibility` (e.g. `onScreen(view.node)`), scheduled redraws wait while the view is off
 * screen and the newest one runs when it comes back: a page of many views pays only for those the
 * reader can see. `redraw()` is never held back.
 *
 *   const s = redrawScheduler({redraw: () => s.enqueue(drawA, drawB), again: () => run.training});
 *   const off = run.subscribe(s.schedule);
 *   s.own(off);
 *   invalidation.then(() => s.dispose());
 */
export interface RedrawSchedulerOptions {
  /** Computes what a redraw needs and enqueues its jobs (with `enqueue`). */
  redraw: () => void;
  /** Asked when the queue drains: true to schedule the next redraw without waiting for a request. */
  again?: () => boolean;
  /** Milliseconds of jobs per task before yielding (16, a frame). */
  budgetMs?: number;
  /** Least milliseconds between the starts of two scheduled redraws (150). */
  throttleMs?: number;
  /** Per job position, milliseconds spent so far (added to; for benchmarks). */
  timing?: {jobs: number[]};
  /** The clock (performance.now). */
  now?: () => number;
  /** Tells the scheduler when its view goes off and on screen (`onScreen(node)`); returns the unsubscribe. Default: always on screen. */
  visibility?: (onChange: (visible: boolean) => void) => () => void;
}

export interface RedrawScheduler {
  /** Asks for a throttled redraw. */
  schedule(): void;
  /** Redraws now (computes and enqueues), regardless of the throttle. */
  redraw(): void;
  /** Queues drawing jobs, run in order in budgeted tasks. */
  enqueue(...jobs: (() => void)[]): void;
  /** Jobs waiting to run. */
  readonly queued: number;
  /** Runs `cleanup` on dispose (or at once if already disposed). */
  own(cleanup: () => void): void;
  /** Cancels pending timers, drops queued jobs, runs the owned cleanups; later calls do nothing. */
  dispose(): void;
  readonly disposed: boolean;
  /** False while `visibility` says the view is off screen. */
  readonly visible: boolean;
}

/**
 * `visibility` for a node on the page: an IntersectionObserver with a margin of `margin` px (50:
 * a view is drawn as it scrolls in; a wider margin made the page redraw the two-runs card while
 * the reader looked at the card under it, 27 fps instead of 46). Where IntersectionObserver does not exist (Node),
 * it never reports, and the view counts as on screen.
 */
export function onScreen(node: Element, margin = 50): (onChange: (visible: boolean) => void) => () => void {
  return (onChange) => {
    if (typeof IntersectionObserver === "undefined") return () => {};
    const observer = new IntersectionObserver((entries) => onChange(entries[entries.length - 1].isIntersecting), {rootMargin: `${margin}px 0px`});
    observer.observe(node);
    return () => observer.disconnect();
  };
}

export function redrawScheduler({redraw, again = () => false, budgetMs = 16, throttleMs = 150, timing, now = () => performance.now(), visibility}: RedrawSchedulerOptions): RedrawScheduler {
  // Each job with its position in the redraw that queued it (timing.jobs[k] is the k-th job's time).
  const queue: {job: () => void; k: number}[] = [];
  const cleanups: (() => void)[] = [];
  let throttleTimer: ReturnType<typeof setTimeout> | null = null;
  let drainTimer: ReturnType<typeof setTimeout> | null = null;
  let lastAt = -Infinity;
  let afterDrain = false;
  let disposed = false;
  let visible = true;
  /** A redraw asked for while off screen: it runs when the view is back. */
  let held = false;

  function drain(): void {
    drainTimer = null;
    if (disposed) return;
    const start = now();
    while (queue.length && now() - start < budgetMs) {
      const {job, k} = queue.shift()!;
      const t = now();
      job();
      if (timing) timing.jobs[k] = (timing.jobs[k] ?? 0) + now() - t;
      if (disposed) return;
    }
    if (queue.length) drainTimer = setTimeout(drain, 0);
    else if (afterDrain || again()) {
      afterDrain = false;
      schedule();
    }
  }

  function enqueue(...jobs: (() => void)[]): void {
    if (disposed || !jobs.length) return;
    jobs.forEach((job, k) => queue.push({job, k}));
    if (timing && timing.jobs.length < jobs.length) timing.jobs.length = jobs.length;
    drainTimer ??= setTimeout(drain, 0);
  }

  function schedule(): void {
    if (disposed) return;
    if (!visible) return void (held = true);
    if (throttleTimer !== null) return;
    const wait = Math.max(0, throttleMs - (now() - lastAt));
    throttleTimer = setTimeout(() => {
      throttleTimer = null;
      if (disposed) return;
      // Still drawing the previous redraw: the newest state waits for it.
      if (queue.length) return void (afterDrain = true);
      lastAt = now();
      redraw();
    }, wait);
  }

  if (visibility)
    cleanups.push(
      visibility((now) => {
        visible = now;
        if (visible && held) {
          held = false;
          schedule();
        }
      }),
    );

  return {
    schedule,
    redraw: () => void (disposed || redraw()),
    enqueue,
    get queued() {
      return queue.length;
    },
    own(cleanup) {
      if (disposed) cleanup();
      else cleanups.push(cleanup);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      if (throttleTimer !== null) clearTimeout(throttleTimer);
      if (drainTimer !== null) clearTimeout(drainTimer);
      throttleTimer = drainTimer = null;
      queue.length = 0;
      for (const f of cleanups.splice(0)) f();
    },
    get disposed() {
      return disposed;
    },
    get visible() {
      return visible;
    },
  };
}

/** What `followRun` reads of a run: whether it trains, and its notifications. */
export interface FollowedRun {
  readonly training: boolean;
  subscribe(listener: () => void): () => void;
}

/**
 * A view that follows a run: `draw(current.run)` is queued when `run` notifies (or anything in
 * `also` does: a selection, a second run), again after each redraw while the run on show trains
 * (`current.run`: the live run, or a checkpoint on time travel), at most once per `throttleMs`,
 * and only while `node` is on screen (when given). It draws once at the start. Returns the
 * scheduler: dispose it with the run.
 *
 *   const s = followRun({run, current, node: view.node, throttleMs: 500, draw: (r) => view.update({network: r.network})});
 */
export function followRun<R extends FollowedRun>({
  run,
  current,
  draw,
  also = [],
  throttleMs,
  node,
  again,
}: {
  run: FollowedRun;
  current: {run: R | null};
  draw: (run: R) => void;
  also?: ((listener: () => void) => () => void)[];
  throttleMs?: number;
  node?: Element;
  /** Whether to redraw again after a redraw (default: while the run on show trains). */
  again?: () => boolean;
}): RedrawScheduler {
  const scheduler: RedrawScheduler = redrawScheduler({
    throttleMs,
    again: again ?? (() => !!current.run?.training),
    visibility: node ? onScreen(node) : undefined,
    redraw() {
      const r = current.run;
      if (r) scheduler.enqueue(() => draw(r));
    },
  });
  scheduler.own(run.subscribe(scheduler.schedule));
  for (const on of also) scheduler.own(on(scheduler.schedule));
  scheduler.schedule();
  return scheduler;
}
