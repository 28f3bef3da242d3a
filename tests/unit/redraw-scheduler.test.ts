import {afterEach, beforeEach, describe, expect, it, vi} from "vitest";
import {followRun, redrawScheduler} from "../../src/components/views/redraw-scheduler.js";

// A clock the jobs move by hand (a job "takes" ms by advancing it), beside vitest's fake timers.
let clock = 0;
const now = () => clock;
const work = (ms: number, log: string[], name: string) => () => {
  clock += ms;
  log.push(name);
};

beforeEach(() => {
  vi.useFakeTimers();
  clock = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs the timers due now, one task at a time, returning how many tasks ran. */
function runTasks(n = 1): void {
  for (let i = 0; i < n; i++) vi.advanceTimersToNextTimer();
}

describe("redrawScheduler", () => {
  it("runs queued jobs in order, in a later task, not at once", () => {
    const log: string[] = [];
    const s = redrawScheduler({redraw: () => {}, now});
    s.enqueue(work(1, log, "a"), work(1, log, "b"), work(1, log, "c"));
    expect(log).toEqual([]);
    expect(s.queued).toBe(3);
    vi.runAllTimers();
    expect(log).toEqual(["a", "b", "c"]);
    expect(s.queued).toBe(0);
  });

  it("yields to the browser after the budget and goes on in the next task", () => {
    const log: string[] = [];
    const s = redrawScheduler({redraw: () => {}, now, budgetMs: 16});
    s.enqueue(work(10, log, "a"), work(10, log, "b"), work(10, log, "c"), work(10, log, "d"));
    runTasks();
    // a (10 ms) is under the budget, b ends it at 20 ms: two jobs in the first task.
    expect(log).toEqual(["a", "b"]);
    expect(s.queued).toBe(2);
    runTasks();
    expect(log).toEqual(["a", "b", "c", "d"]);
  });

  it("a job longer than the budget still runs whole, one per task", () => {
    const log: string[] = [];
    const s = redrawScheduler({redraw: () => {}, now, budgetMs: 16});
    s.enqueue(work(40, log, "a"), work(40, log, "b"));
    runTasks();
    expect(log).toEqual(["a"]);
    runTasks();
    expect(log).toEqual(["a", "b"]);
  });

  it("adds each job's time to timing.jobs by its position in the redraw", () => {
    const timing = {jobs: [] as number[]};
    const log: string[] = [];
    const s = redrawScheduler({redraw: () => {}, now, timing});
    s.enqueue(work(2, log, "a"), work(5, log, "b"));
    expect(timing.jobs).toHaveLength(2);
    vi.runAllTimers();
    s.enqueue(work(3, log, "a"), work(1, log, "b"));
    vi.runAllTimers();
    expect(timing.jobs).toEqual([5, 6]);
  });

  it("throttles scheduled redraws to one per throttleMs, coalescing requests", () => {
    const redraw = vi.fn();
    const s = redrawScheduler({redraw, now, throttleMs: 150});
    s.schedule();
    s.schedule();
    vi.advanceTimersByTime(0);
    expect(redraw).toHaveBeenCalledTimes(1);
    // 50 ms later: the next one waits until 150 ms after the first.
    clock += 50;
    vi.advanceTimersByTime(50);
    s.schedule();
    s.schedule();
    clock += 99;
    vi.advanceTimersByTime(99);
    expect(redraw).toHaveBeenCalledTimes(1);
    clock += 1;
    vi.advanceTimersByTime(1);
    expect(redraw).toHaveBeenCalledTimes(2);
  });

  it("a scheduled redraw waits while the previous redraw's jobs are queued, then follows them", () => {
    const log: string[] = [];
    let redraws = 0;
    const s = redrawScheduler({
      redraw: () => {
        redraws++;
        s.enqueue(work(20, log, `a${redraws}`), work(20, log, `b${redraws}`));
      },
      now,
      throttleMs: 0,
    });
    s.schedule();
    runTasks(); // the throttle's timer: redraw 1 queues a1, b1
    s.schedule();
    runTasks(); // drain: a1 (the budget ends it)
    runTasks(); // the throttle's timer fires with b1 still queued: it waits
    expect(redraws).toBe(1);
    runTasks(); // drain: b1; the queue is empty, so the waiting redraw is scheduled
    expect(log).toEqual(["a1", "b1"]);
    vi.runAllTimers();
    expect(redraws).toBe(2);
    expect(log).toEqual(["a1", "b1", "a2", "b2"]);
  });

  it("schedules the next redraw after a drain while again() is true", () => {
    let going = true;
    let redraws = 0;
    const s = redrawScheduler({redraw: () => (redraws++, s.enqueue(() => {})), again: () => going, now, throttleMs: 150});
    s.schedule();
    vi.advanceTimersByTime(0);
    vi.advanceTimersByTime(0);
    expect(redraws).toBe(1);
    clock += 150;
    vi.advanceTimersByTime(150);
    expect(redraws).toBe(2);
    going = false;
    clock += 1000;
    vi.advanceTimersByTime(1000);
    expect(redraws).toBe(3);
    clock += 1000;
    vi.advanceTimersByTime(1000);
    expect(redraws).toBe(3);
  });

  it("redraw() runs at once, ignoring the throttle", () => {
    const redraw = vi.fn();
    const s = redrawScheduler({redraw, now});
    s.schedule();
    vi.advanceTimersByTime(0);
    s.redraw();
    s.redraw();
    expect(redraw).toHaveBeenCalledTimes(3);
  });

  it("dispose cancels pending timers, drops queued jobs, runs owned cleanups once, and ignores later calls", () => {
    const log: string[] = [];
    const redraw = vi.fn();
    const cleanup = vi.fn();
    const s = redrawScheduler({redraw, again: () => true, now});
    s.own(cleanup);
    s.enqueue(work(20, log, "a"), work(20, log, "b"));
    runTasks();
    expect(log).toEqual(["a"]);
    clock += 10;
    s.schedule();
    s.dispose();
    s.dispose();
    expect(s.disposed).toBe(true);
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(s.queued).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    s.enqueue(work(1, log, "c"));
    s.schedule();
    s.redraw();
    vi.runAllTimers();
    expect(log).toEqual(["a"]);
    expect(redraw).not.toHaveBeenCalled();
    const late = vi.fn();
    s.own(late);
    expect(late).toHaveBeenCalledTimes(1);
  });

  it("a job that disposes the scheduler stops the rest of the queue", () => {
    const log: string[] = [];
    const s = redrawScheduler({redraw: () => {}, now});
    s.enqueue(work(1, log, "a"), () => s.dispose(), work(1, log, "c"));
    vi.runAllTimers();
    expect(log).toEqual(["a"]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("redrawScheduler with visibility", () => {
  /** A visibility source the test switches by hand. */
  function screen() {
    let listener: ((visible: boolean) => void) | null = null;
    let unsubscribed = 0;
    return {
      visibility: (f: (visible: boolean) => void) => ((listener = f), () => void unsubscribed++),
      set: (visible: boolean) => listener!(visible),
      get unsubscribed() {
        return unsubscribed;
      },
    };
  }

  it("holds scheduled redraws while off screen and runs one (not one per request) when back; redraw() is never held", () => {
    let redraws = 0;
    const view = screen();
    const s = redrawScheduler({redraw: () => void redraws++, now, throttleMs: 100, visibility: view.visibility});
    s.schedule();
    vi.runAllTimers();
    expect(redraws).toBe(1);
    view.set(false);
    expect(s.visible).toBe(false);
    for (let k = 0; k < 5; k++) s.schedule();
    clock += 1000;
    vi.runAllTimers();
    expect(redraws).toBe(1);
    s.redraw();
    expect(redraws).toBe(2);
    view.set(true);
    vi.runAllTimers();
    expect(redraws).toBe(3);
    // Back on screen with nothing asked for meanwhile: nothing to do.
    view.set(false);
    view.set(true);
    vi.runAllTimers();
    expect(redraws).toBe(3);
  });

  it("a view that follows training stops asking while off screen and resumes when back", () => {
    let redraws = 0;
    let training = true;
    const view = screen();
    const s = redrawScheduler({redraw: () => s.enqueue(() => void redraws++), again: () => training, now, throttleMs: 100, visibility: view.visibility});
    s.schedule();
    for (let k = 0; k < 10; k++) {
      clock += 100;
      runTasks();
    }
    const onScreen = redraws;
    expect(onScreen).toBeGreaterThan(2);
    view.set(false);
    for (let k = 0; k < 10; k++) {
      clock += 100;
      vi.runOnlyPendingTimers();
    }
    const hidden = redraws;
    expect(hidden - onScreen).toBeLessThanOrEqual(1); // at most the redraw already under way
    view.set(true);
    for (let k = 0; k < 4; k++) {
      clock += 100;
      vi.runOnlyPendingTimers();
    }
    expect(redraws).toBeGreaterThan(hidden);
    training = false;
    s.dispose();
    expect(view.unsubscribed).toBe(1);
  });
});

describe("followRun", () => {
  /** A run the test notifies by hand. */
  function fakeRun() {
    const listeners = new Set<() => void>();
    return {
      training: false,
      subscribe: (f: () => void) => (listeners.add(f), () => void listeners.delete(f)),
      notify: () => listeners.forEach((f) => f()),
      get listeners() {
        return listeners.size;
      },
    };
  }

  it("draws the run on show once at the start, on each notification of the run or of `also`, and unsubscribes all on dispose", () => {
    const run = fakeRun(),
      checkpoint = fakeRun(),
      other = fakeRun();
    const current: {run: ReturnType<typeof fakeRun> | null} = {run};
    const drawn: unknown[] = [];
    const s = followRun({run, current, throttleMs: 50, also: [other.subscribe], draw: (r) => drawn.push(r)});
    vi.runAllTimers();
    expect(drawn).toEqual([run]);
    clock += 100;
    run.notify();
    vi.runAllTimers();
    expect(drawn).toHaveLength(2);
    // Time travel: the view draws what is on show, asked by the live run or anything else.
    current.run = checkpoint;
    clock += 100;
    other.notify();
    vi.runAllTimers();
    expect(drawn.at(-1)).toBe(checkpoint);
    // Nothing on show: nothing drawn.
    current.run = null;
    clock += 100;
    run.notify();
    vi.runAllTimers();
    expect(drawn).toHaveLength(3);
    s.dispose();
    expect(run.listeners + other.listeners).toBe(0);
  });
});
