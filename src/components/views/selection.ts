/**
 * A tiny observable store: a plain object whose fields are read directly, changed with `set`
 * (a partial update), and watched with `on` (returns the unsubscribe function). Listeners run in
 * the order they were added, after every `set`, with the store itself.
 *
 *   const s = store({count: 0});
 *   const off = s.on((x) => console.log(x.count));
 *   s.set({count: 1});   // logs 1
 *   off();
 *
 * `selectionStore` is the MNIST explorer's current input: {pixels, label, source, position}, where
 * position is the held-out digit's index, or −1 for any other input (set without a position).
 */
export type Store<T extends object> = T & {
  /** Merges `next` into the store and notifies every listener. */
  set(next: Partial<T>): void;
  /** Calls `listener` after every `set`; returns a function that stops it. */
  on(listener: (store: Store<T>) => void): () => void;
};

export function store<T extends object>(initial: T, {defaults}: {defaults?: Partial<T>} = {}): Store<T> {
  const listeners = new Set<(store: Store<T>) => void>();
  const s = {
    ...initial,
    set(next: Partial<T>) {
      Object.assign(s, defaults, next);
      for (const f of [...listeners]) f(s);
    },
    on(listener: (store: Store<T>) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  } as Store<T>;
  return s;
}

/** The current input of the explorer's views. */
export interface Selection {
  /** The image, 784 values in [0, 1]. */
  pixels: Float64Array;
  /** Its class, or null for a drawing. */
  label: number | null;
  /** Where it came from, in words ("held-out digit 3", "your drawing"). */
  source: string;
  /** Its position among the held-out digits, or −1. */
  position: number;
}

/** A store of the current input; a `set` without `position` sets it to −1 (not a held-out digit). */
export function selectionStore(initial: Selection): Store<Selection> {
  return store(initial, {defaults: {position: -1}});
}
