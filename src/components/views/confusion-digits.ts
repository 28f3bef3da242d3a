/**
 * The digits of one confusion-matrix cell (true class `actual`, guessed `guess`), for the MNIST
 * page: a sentence with their count and up to `limit` of them as buttons; choosing one calls
 * `pick(index)`. The node carries data-metric="confusion-digits".
 */
import {html} from "htl";
import {digitCanvas} from "./explorer-views.js";

export interface ConfusionDigitsOptions {
  /** The test set's labels. */
  labels: ArrayLike<number>;
  /** Test digit i as 784 values in [0, 1]. */
  image: (index: number) => Float64Array;
  /** The network's guesses for the test set, now. */
  predictions: () => ArrayLike<number>;
  /** Called with the test index of a chosen digit. */
  pick: (index: number) => void;
  limit?: number;
}

/** Indices i with labels[i] = actual and predictions[i] = guess, in order. */
export function cellIndices(labels: ArrayLike<number>, predictions: ArrayLike<number>, actual: number, guess: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === actual && predictions[i] === guess) out.push(i);
  return out;
}

export function confusionDigits({labels, image, predictions, pick, limit = 40}: ConfusionDigitsOptions) {
  const node = html`<div class="confusion-digits" data-metric="confusion-digits"><p class="small">No cell chosen.</p></div>` as HTMLDivElement;
  return {
    node,
    /** Lists the digits of cell (actual, guess). */
    show(actual: number, guess: number): void {
      const indices = cellIndices(labels, predictions(), actual, guess);
      const shown = indices.slice(0, limit);
      node.replaceChildren(
        html`<p class="small">
          True ${actual}, guessed ${guess}: ${indices.length} digit${indices.length === 1 ? "" : "s"}${indices.length > shown.length ? ` (first ${shown.length} shown)` : ""}. Choose one to make it the
          current input.
        </p>`,
        html`<div class="confusion-list">
          ${shown.map((i) => {
            const b = html`<button type="button" class="held-out" aria-label=${`test digit ${i}, a ${actual}`}>
              ${digitCanvas(image(i), {size: 42, label: `test digit ${i}`})}
            </button>` as HTMLButtonElement;
            b.onclick = () => pick(i);
            return b;
          })}
        </div>`,
      );
    },
  };
}
