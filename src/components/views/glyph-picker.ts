/**
 * The 5×5 page's two inputs: the ten training glyphs as a radio group of buttons, and a 5×5 pad
 * of toggle buttons to draw on. Both follow the Observable Inputs contract (`value`, `input`
 * events), so `Generators.input` works.
 *
 *   const picker = glyphPicker(glyphs, ink);   // value: the picked glyph (Float64Array(25))
 *   const pad = togglePad(5);                  // value: Float64Array(25) of 0/1
 */
import {html, svg} from "htl";

export interface ValueElement<T> extends HTMLElement {
  value: T;
}

/**
 * glyphs: Float64Array(size²) each, values in [0, 1]; ink: the colour of a value (e.g.
 * palette.ts activationColor). Click a glyph, or move with the arrow keys (the ARIA radio-group
 * pattern), to pick it.
 */
export function glyphPicker(glyphs: Float64Array[], ink: (value: number) => string, size = 5): ValueElement<Float64Array> {
  const buttons = glyphs.map(
    (g, d) =>
      html`<button type="button" role="radio" aria-checked=${d === 0 ? "true" : "false"} tabindex=${d === 0 ? 0 : -1} aria-label=${`glyph ${d}`} data-digit=${d}>
        <svg width="30" height="30" viewBox=${`0 0 ${size} ${size}`} aria-hidden="true">
          ${Array.from(g, (v, i) => svg`<rect x=${i % size} y=${Math.floor(i / size)} width="1" height="1" fill=${ink(v)} />`)}</svg
        ><span>${d}</span>
      </button>` as HTMLButtonElement,
  );
  const root = html`<div class="glyph-picker" role="radiogroup" aria-label="Training glyphs">${buttons}</div>` as ValueElement<Float64Array>;
  root.value = glyphs[0];
  const pick = (d: number, focus: boolean) => {
    buttons.forEach((b, k) => {
      b.setAttribute("aria-checked", String(k === d));
      b.tabIndex = k === d ? 0 : -1;
    });
    if (focus) buttons[d].focus();
    root.value = glyphs[d];
    root.dispatchEvent(new Event("input", {bubbles: true}));
  };
  root.addEventListener("click", (e) => {
    const b = (e.target as Element).closest("button");
    if (b) pick(Number(b.dataset.digit), false);
  });
  root.addEventListener("keydown", (e) => {
    const step = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1}[e.key];
    if (!step) return;
    e.preventDefault();
    const current = buttons.findIndex((b) => b.getAttribute("aria-checked") === "true");
    pick((current + step + glyphs.length) % glyphs.length, true);
  });
  return root;
}

/** A size × size pad of toggle buttons: click or press Space on a pixel to ink it or clear it. */
export function togglePad(size = 5): ValueElement<Float64Array> {
  const cells = Array.from(
    {length: size * size},
    (_, i) => html`<button type="button" aria-pressed="false" aria-label=${`pixel row ${Math.floor(i / size) + 1}, column ${(i % size) + 1}`}></button>` as HTMLButtonElement,
  );
  const root = html`<div class="toggle-pad" role="group" aria-label=${`${size} by ${size} drawing pad`} style=${`grid-template-columns: repeat(${size}, 36px)`}>
    ${cells}
  </div>` as ValueElement<Float64Array>;
  root.value = new Float64Array(size * size);
  root.addEventListener("click", (e) => {
    const b = (e.target as Element).closest("button");
    if (!b) return;
    const i = cells.indexOf(b as HTMLButtonElement);
    const on = b.getAttribute("aria-pressed") !== "true";
    b.setAttribute("aria-pressed", String(on));
    root.value = Float64Array.from(root.value, (v, k) => (k === i ? +on : v));
    root.dispatchEvent(new Event("input", {bubbles: true}));
  });
  return root;
}
