/**
 * The contract of a view that lives as long as its page: its DOM node, an update with new data,
 * and a dispose that lets go of listeners, timers and observers. A chart that is simply drawn again
 * from its data is a Plot-style function instead: `(data, options) => Element`.
 *
 *   const badge: View<{network: Network; steps: number}> = …;
 *   container.append(badge.node); badge.update(next); invalidation.then(() => badge.dispose());
 */
export interface View<T> {
  readonly node: Element;
  update(data: T): void;
  dispose(): void;
}
