// @vitest-environment jsdom
// The shared page layer in a DOM (jsdom): the run panel and the settings form of views/, and
// their pure helpers.
import {describe, expect, it} from "vitest";
import {actionApplies, countWords, runPanel, trainingMetrics} from "../../src/components/views/run-panel.js";
import {applyChange, runSettings, watchSetting, type SettingsOptions} from "../../src/components/views/settings.js";
import {checkNumber, numberControl} from "../../src/components/views/number-control.js";
import {Emitter, type Run, type RunStateBase, type RunStatus} from "../../src/components/runs/run.js";
import {labSchema} from "../../src/components/experiments/lab.js";
import {mnistSchema} from "../../src/components/experiments/mnist.js";
import {defaults} from "../../src/components/experiments/params.js";

type S = RunStateBase & {steps: number; fingerprint: string};

/** A run whose state the test sets; records the calls the panel makes. */
function fakeRun(initial: Partial<S> = {}) {
  let state: S = {status: "idle", message: "", end: null, steps: 0, fingerprint: "aaaaaaaaaaaa", ...initial};
  const emitter = new Emitter<S>(() => state);
  const calls: string[] = [];
  const run: Run<S> & {set(next: Partial<S>): void; calls: string[]} = {
    get state() {
      return state;
    },
    get training() {
      return state.status === "training";
    },
    get ended() {
      return state.end !== null;
    },
    subscribe: (f) => emitter.subscribe(f),
    start: () => void calls.push("start"),
    pause: () => void calls.push("pause"),
    step: () => void calls.push("step"),
    reset: () => void calls.push("reset"),
    dispose: () => void calls.push("dispose"),
    set(next) {
      state = {...state, ...next};
      emitter.emit();
    },
    calls,
  };
  return run;
}

const click = (node: HTMLElement, action: string) => node.querySelector<HTMLButtonElement>(`button[data-action="${action}"]`)!.click();
const disabled = (node: HTMLElement, action: string) => node.querySelector(`button[data-action="${action}"]`)!.getAttribute("aria-disabled") === "true";

describe("actionApplies", () => {
  it("Train unless training or ended, Pause only while training, Step unless ended, Reset always", () => {
    const table: [RunStatus, boolean, string][] = [
      ["idle", false, "train step reset"],
      ["training", false, "pause step reset"],
      ["paused", false, "train step reset"],
      ["diverged", true, "reset"],
      ["stopped", true, "reset"],
      ["crashed", true, "reset"],
      ["done", true, "reset"],
    ];
    for (const [status, ended, expected] of table) {
      const applies = (["train", "pause", "step", "reset"] as const).filter((a) => actionApplies(a, {status, end: ended ? {kind: "done"} : null}));
      expect(applies.join(" "), status).toBe(expected);
    }
  });
});

describe("runPanel", () => {
  it("drives the run it points at, marks buttons that do not apply (never disabling them), and follows a new run", () => {
    const panel = runPanel<S>({metrics: (s) => [{name: "steps", label: "Updates", value: s.steps}], command: (s) => `train --steps ${s.steps}`});
    const a = fakeRun();
    panel.update({run: a});
    click(panel.node, "train");
    expect(a.calls).toEqual(["start"]);
    a.set({status: "training"});
    expect(disabled(panel.node, "train")).toBe(true);
    expect(disabled(panel.node, "pause")).toBe(false);
    expect(panel.node.querySelector("button[disabled]")).toBeNull();
    click(panel.node, "train"); // does not apply: ignored
    expect(a.calls).toEqual(["start"]);
    const b = fakeRun({steps: 7, fingerprint: "bbbbbbbbbbbb"});
    panel.update({run: b});
    expect(panel.node.querySelector('[data-metric="steps"]')!.textContent).toBe("7");
    expect(panel.reproduce.querySelector('[data-metric="fingerprint"]')!.textContent).toBe("bbbbbbbbbbbb");
    expect(panel.reproduce.querySelector("pre.command")!.textContent).toBe("train --steps 7");
    a.set({steps: 99}); // the old run no longer reaches the panel
    expect(panel.node.querySelector('[data-metric="steps"]')!.textContent).toBe("7");
    click(panel.node, "step");
    expect(b.calls).toEqual(["step"]);
  });

  it("shows the run's message in a caution box when it ended badly, a note otherwise, and hides it when empty", () => {
    const panel = runPanel<S>({metrics: () => []});
    const run = fakeRun();
    panel.update({run});
    const message = panel.node.querySelector<HTMLElement>('[data-metric="message"]')!;
    expect(message.hidden).toBe(true);
    run.set({status: "diverged", end: {kind: "diverged", step: 3, reason: "x"}, message: "Diverged at step 3."});
    expect(message.hidden).toBe(false);
    expect(message.className).toContain("caution");
    expect(message.textContent).toBe("Diverged at step 3.");
    run.set({status: "paused", end: null, message: "Paused by itself after 3 epochs."});
    expect(message.className).toContain("note");
  });

  it("shows the URL banner only when there is something to say, and nothing after dispose", () => {
    const panel = runPanel<S>({metrics: () => []});
    const run = fakeRun();
    panel.update({run, problems: []});
    expect(panel.node.querySelector('[data-metric="url-problems"]')).toBeNull();
    panel.update({problems: ['URL parameter lr="x" ignored (expected a number); using 0.05.']});
    expect(panel.node.querySelector('[data-metric="url-problems"]')!.textContent).toContain('lr="x" ignored');
    panel.dispose();
    run.set({status: "training"});
    expect(panel.node.querySelector('[data-metric="status"]')!.textContent).toBe("idle");
  });

  it("counts and formats the training figures the same way on every page", () => {
    expect(countWords(1, "update")).toBe("1 update");
    expect(countWords(1234, "update")).toBe("1,234 updates");
    const m = trainingMetrics({epoch: NaN, samplesSeen: 1500, steps: 47, trainLoss: 0.12345, testAccuracy: 0.9123, samplesPerSecond: 41234.6, parameters: 12_000}, {testCount: 1000});
    const value = (name: string) => m.find((x) => x.name === name)!.value;
    expect(value("epoch")).toBe("–");
    expect(value("samples-seen")).toBe("1,500");
    expect(value("train-loss")).toBe("0.123");
    expect(value("test-accuracy")).toBe("91.2 %");
    expect(value("samples-per-second")).toBe("41,235 samples/s");
  });
});

describe("runSettings", () => {
  const make = (search = "", adjust?: SettingsOptions<typeof labSchema>["adjust"]) =>
    runSettings(
      labSchema,
      {dataset: {label: "Digits", kind: "radio"}, lr: {label: "Learning rate η", name: "η", slider: "log"}, batch: {label: "Minibatch size B", name: "B"}},
      {search, writeUrl: false, adjust},
    );
  const typeInto = (control: HTMLElement, text: string) => {
    const box = control.querySelector<HTMLInputElement>('input[type="number"]')!;
    box.value = text;
    box.dispatchEvent(new Event("input", {bubbles: true}));
    box.dispatchEvent(new Event("change", {bubbles: true}));
  };

  it("starts from the URL, lists its fallbacks, and applies an accepted value at once with one input event", () => {
    const settings = make("?lr=0.0123456789&batch=0");
    expect(settings.value.lr).toBe(0.0123456789);
    expect(settings.value.batch).toBe(16);
    expect(settings.problems).toEqual([expect.stringContaining('batch="0" ignored')]);
    let events = 0;
    settings.addEventListener("input", () => events++);
    typeInto(settings.controls.lr, "0.1");
    expect(settings.value.lr).toBe(0.1);
    expect(settings.lastKey).toBe("lr");
    expect(events).toBe(1);
  });

  it("refuses a value at its control, keeps the value in use and fires nothing", () => {
    const settings = make();
    let events = 0;
    settings.addEventListener("input", () => events++);
    typeInto(settings.controls.batch, "2.5");
    expect(settings.value.batch).toBe(16);
    expect(settings.controls.batch.querySelector('[data-metric="refused-B"]')!.textContent).toContain("B = 2.5 refused (not a whole number); still using 16");
    expect(events).toBe(0);
  });

  it("a choice is applied at once; adjust adds its changes to the same step; watchSetting hears only its key", () => {
    const settings = make("", (key, next) => (key === "dataset" ? {lr: next.dataset === "mnist16" ? 0.02 : 0.05} : undefined));
    const seen: string[] = [];
    const off = watchSetting(settings, "dataset", (d) => seen.push(d));
    let events = 0;
    settings.addEventListener("input", () => events++);
    const radio = settings.controls.dataset.querySelector<HTMLInputElement>('input[value="1"]')!;
    radio.checked = true;
    radio.dispatchEvent(new Event("input", {bubbles: true}));
    expect(settings.value).toMatchObject({dataset: "mnist16", lr: 0.02});
    expect(events).toBe(1);
    typeInto(settings.controls.lr, "0.3");
    expect(seen).toEqual(["procedural", "mnist16"]);
    off();
  });

  it("set() changes several values as one step and refuses what the schema refuses", () => {
    const settings = runSettings(mnistSchema, {seed: {label: "Seed"}}, {writeUrl: false, search: ""});
    settings.set({seed: 5, batch: 8});
    expect(settings.value).toMatchObject({seed: 5, batch: 8});
    expect(settings.controls.seed.querySelector("input")!.value).toBe("5");
    expect(() => settings.set({batch: 0})).toThrow(RangeError);
    expect(settings.value.batch).toBe(8);
  });
});

describe("applyChange and checkNumber", () => {
  it("returns the same object when nothing changes, a new one otherwise, and names a refused value's reason", () => {
    const base = defaults(mnistSchema);
    expect(applyChange(mnistSchema, base, {})).toBe(base);
    expect(applyChange(mnistSchema, base, {lr: 0.5}).lr).toBe(0.5);
    expect(() => applyChange(mnistSchema, base, {lr: 50})).toThrow(/from 0.0001 to 10/);
    expect(checkNumber("0.5", {min: 0, max: 0.99})).toBe(0.5);
    expect(checkNumber("", {min: 0, max: 1})).toBe("not a number");
    expect(checkNumber("1.5", {min: 0, max: 9, integer: true})).toBe("not a whole number");
  });
});

describe("activationPoints", () => {
  it("draws each activation and its slope from the module: sigmoid's slope peaks at 1/4 at z = 0, ReLU's slope is 0 or 1", async () => {
    const {activationPoints} = await import("../../src/components/views/activation-curves.js");
    const slope = (name: string) => activationPoints(name).filter((p) => p.curve === "slope f′(z)");
    const sig = slope("sigmoid");
    expect(Math.max(...sig.map((p) => p.value))).toBeCloseTo(0.25, 12);
    expect(sig.find((p) => p.z === 0)!.value).toBe(0.25);
    expect(new Set(slope("relu").map((p) => p.value))).toEqual(new Set([0, 1]));
    expect(() => activationPoints("swish")).toThrow(/invalid activation/);
  });
});

describe("numberControl's refusal quotes what was typed", () => {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
  /** What a browser does with a character a number box will not take: beforeinput, and no input. */
  const typeDropped = (box: HTMLInputElement, text: string) => {
    for (const data of text) box.dispatchEvent(new InputEvent("beforeinput", {inputType: "insertText", data, bubbles: true, cancelable: true}));
  };

  it('"Infinity" typed into an emptied box is refused as Infinity, not "(empty)", and the value in use comes back', async () => {
    const control = numberControl({label: "Weight", name: "w", value: 0.5, min: -20, max: 20});
    const box = control.querySelector("input")!;
    const message = control.querySelector('[data-metric="refused-w"]')!;
    box.value = "";
    box.dispatchEvent(new Event("input", {bubbles: true}));
    typeDropped(box, "Infinity");
    await tick();
    expect(message.textContent).toBe("w = Infinity refused (not a number); still using 0.5.");
    box.dispatchEvent(new Event("change", {bubbles: true}));
    expect(message.textContent).toBe("w = Infinity refused (not a number); still using 0.5.");
    expect(box.value).toBe("0.5");
    expect(control.value).toBe(0.5);
  });

  it("letters after a number the box still shows are quoted on their own; an emptied box is still (empty)", async () => {
    const control = numberControl({label: "Weight", name: "w", value: 2, min: -20, max: 20});
    const box = control.querySelector("input")!;
    const message = control.querySelector('[data-metric="refused-w"]')!;
    typeDropped(box, "abc");
    await tick();
    expect(message.textContent).toBe("w = abc refused (not a number); still using 2.");
    expect(box.getAttribute("aria-invalid")).toBeNull();
    box.value = "";
    box.dispatchEvent(new Event("input", {bubbles: true}));
    box.dispatchEvent(new Event("change", {bubbles: true}));
    expect(message.textContent).toBe("w = (empty) refused (not a number); still using 2.");
    // A number typed afterwards is taken as before.
    box.value = "3";
    box.dispatchEvent(new Event("input", {bubbles: true}));
    box.dispatchEvent(new Event("change", {bubbles: true}));
    expect(control.value).toBe(3);
    expect(message.textContent).toBe("");
  });
});
