import {describe, expect, it, vi} from "vitest";
import {store, selectionStore} from "../../src/components/views/selection.js";

describe("store", () => {
  it("holds the initial fields, readable directly", () => {
    const s = store({count: 1, name: "a"});
    expect(s.count).toBe(1);
    expect(s.name).toBe("a");
  });

  it("set merges a partial update and notifies every listener in order with the store", () => {
    const s = store({count: 1, name: "a"});
    const seen: string[] = [];
    s.on((x) => seen.push(`first ${x.count} ${x.name}`));
    s.on((x) => seen.push(`second ${x.count} ${x.name}`));
    s.set({count: 2});
    expect(s.count).toBe(2);
    expect(s.name).toBe("a");
    expect(seen).toEqual(["first 2 a", "second 2 a"]);
  });

  it("the function on returns stops that listener only", () => {
    const s = store({count: 0});
    const a = vi.fn(),
      b = vi.fn();
    const offA = s.on(a);
    s.on(b);
    offA();
    s.set({count: 1});
    expect(a).not.toHaveBeenCalled();
    expect(b).toHaveBeenCalledTimes(1);
  });

  it("a listener that unsubscribes during a set does not stop the others", () => {
    const s = store({count: 0});
    const b = vi.fn();
    const off = s.on(() => off());
    s.on(b);
    s.set({count: 1});
    s.set({count: 2});
    expect(b).toHaveBeenCalledTimes(2);
  });

  it("defaults apply on every set unless the update names the field", () => {
    const s = store({x: 1, position: 4}, {defaults: {position: -1}});
    expect(s.position).toBe(4);
    s.set({x: 2});
    expect(s.position).toBe(-1);
    s.set({x: 3, position: 7});
    expect(s.position).toBe(7);
  });
});

describe("selectionStore", () => {
  it("marks any input set without a position as not held out (−1)", () => {
    const pixels = new Float64Array(784);
    const s = selectionStore({pixels, label: 3, source: "held-out digit 1", position: 0});
    const heard = vi.fn();
    s.on(heard);
    s.set({pixels, label: null, source: "your drawing"});
    expect(s.position).toBe(-1);
    expect(s.label).toBeNull();
    expect(s.source).toBe("your drawing");
    expect(heard).toHaveBeenCalledWith(s);
    s.set({pixels, label: 5, source: "held-out digit 9", position: 8});
    expect(s.position).toBe(8);
  });
});
