/**
 * "Your own digits" (data-figure="my-digits"): the reader's labelled digits, from the draw pad or
 * image files (dropped or chosen; any size, prepared the MNIST way by experiments/my-digits.ts),
 * kept in this browser's IndexedDB (idb-keyval) and never sent anywhere. Listed as thumbnails with
 * the network's guess (click one to make it the current input; each has a Delete button);
 * exported and imported as a file; scored per class beside the MNIST test accuracy; and mixed into
 * a short fine-tuning of a copy of the current network, whose result the run can continue from.
 *
 *   const mine = myDigitsView({network: () => …, testAccuracy: () => …, drawing: () => …, onPick, fineTune, adopt});
 *   mine.refresh();   // after the network changes
 */
import {html} from "htl";
import {get, set} from "idb-keyval";
import {
  digitInput,
  imageDigit,
  MAX_IMAGE_BYTES,
  MAX_IMAGE_SIDE,
  MAX_MY_DIGITS,
  MY_DIGITS_FORMAT,
  MY_DIGITS_VERSION,
  myDigitsText,
  personalAccuracy,
  readMyDigits,
  toBytes,
  type FineTuneResult,
  type MyDigit,
} from "../experiments/my-digits.js";
import type {Network} from "../nn/index.js";
import {digitCanvas} from "./explorer-views.js";
import {saveBlob} from "./download.js";

/** The IndexedDB key of the set (database and store: idb-keyval's defaults). */
export const MY_DIGITS_KEY = "digit-workbook/my-digits";

export interface MyDigitsOptions {
  /** The network on show (the live run or a checkpoint). */
  network: () => Network;
  /** MNIST test accuracy per class (10 values in [0, 1]) and overall, of that network; null before the first evaluation. */
  testAccuracy: () => {perClass: number[]; overall: number} | null;
  /** The drawing on the pad, prepared (784 values in [0, 1]), or null when the pad is empty. */
  drawing: () => Float64Array | null;
  /** Makes a digit the current input of every view. */
  onPick: (pixels: Float64Array, label: number, source: string) => void;
  /** Called after the drawing was added (the page clears the pad for the next one). */
  onAdded?: () => void;
  /** Fine-tunes a copy of the current network on MNIST + these digits for `updates` updates. */
  fineTune: (digits: MyDigit[], updates: number) => FineTuneResult;
  /** The run continues from the fine-tuned network. */
  adopt: (network: Network) => void;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)} %` : "–");
let counter = 0;
const newId = () => `${Date.now().toString(36)}-${(counter++).toString(36)}`;

export function myDigitsView({network, testAccuracy, drawing, onPick, onAdded, fineTune, adopt}: MyDigitsOptions) {
  let digits: MyDigit[] = [];
  let storable = true;
  const message = html`<p class="small" data-metric="my-digits-message" role="status" aria-live="polite"></p>` as HTMLElement;
  const say = (text: string, kind: "info" | "error" = "info") => {
    message.textContent = text;
    message.dataset.kind = kind;
  };
  const labelSelect = html`<select aria-label="Label of the digit to add">
    ${Array.from({length: 10}, (_, d) => html`<option value=${d}>${d}</option>`)}
  </select>` as HTMLSelectElement;
  const addDrawing = html`<button type="button">Add the drawing</button>` as HTMLButtonElement;
  const fileInput = html`<input type="file" accept="image/*" multiple aria-label="Add image files of digits" />` as HTMLInputElement;
  const list = html`<ul class="my-digits-list" aria-label="Your digits"></ul>` as HTMLElement;
  const count = html`<span data-metric="my-digits-count">0</span>` as HTMLElement;
  const noun = html`<span>digits</span>` as HTMLElement;
  const personal = html`<span data-metric="my-digits-accuracy">–</span>` as HTMLElement;
  const table = html`<table class="my-digits-table"></table>` as HTMLTableElement;
  const updatesInput = html`<input type="number" min="1" max="2000" step="1" value="100" aria-label="Fine-tuning updates" />` as HTMLInputElement;
  const tuneButton = html`<button type="button">Fine-tune a copy</button>` as HTMLButtonElement;
  const tuneResult = html`<p class="small" data-metric="my-digits-finetune"></p>` as HTMLElement;
  const adoptButton = html`<button type="button" hidden>Continue the run from the fine-tuned network</button>` as HTMLButtonElement;
  const exportButton = html`<button type="button">Export the set</button>` as HTMLButtonElement;
  const importInput = html`<input type="file" accept=".json,application/json" aria-label="Import a set of digits" />` as HTMLInputElement;
  let tuned: FineTuneResult | null = null;

  const node = html`<div class="my-digits" data-figure="my-digits">
    <p class="small my-digits-privacy">
      Your digits are kept in this browser only (its IndexedDB storage for this site); nothing is sent anywhere. Export the set to keep a copy or move it to another browser.
    </p>
    <div class="my-digits-add">
      <label>Label ${labelSelect}</label>
      ${addDrawing}
      <label class="my-digits-files">or image files (any size; a file named like <code>7-….png</code> takes its label from the name): ${fileInput}</label>
    </div>
    ${message}
    <p>${count} ${noun}; the network gets ${personal} right.</p>
    ${list} ${table}
    <div class="my-digits-tune"><label>Updates ${updatesInput}</label> ${tuneButton} ${adoptButton}</div>
    ${tuneResult}
    <div class="my-digits-files">${exportButton} <label>Import ${importInput}</label></div>
  </div>` as HTMLElement;

  async function store(): Promise<void> {
    if (!storable) return;
    try {
      await set(MY_DIGITS_KEY, {format: MY_DIGITS_FORMAT, version: MY_DIGITS_VERSION, digits});
    } catch (error) {
      say(`Could not keep the set in this browser's storage (${(error as Error).message}); export it to keep a copy.`, "error");
    }
  }

  function add(pixels: Float64Array, label: number, source: string): boolean {
    if (digits.length >= MAX_MY_DIGITS) {
      say(`The set holds at most ${MAX_MY_DIGITS} digits; delete some first.`, "error");
      return false;
    }
    digits = [...digits, {id: newId(), label, pixels: toBytes(pixels), source, added: new Date().toISOString()}];
    return true;
  }

  addDrawing.addEventListener("click", async () => {
    const pixels = drawing();
    if (!pixels) return say("The pad has no ink: draw a digit first.", "error");
    const label = Number(labelSelect.value);
    if (add(pixels, label, "drawing")) {
      say(`Added your drawing as a ${label}.`);
      onAdded?.();
      render();
      await store();
    }
  });

  async function addFiles(files: FileList | File[]): Promise<void> {
    const notes: string[] = [];
    let added = 0;
    for (const file of Array.from(files)) {
      const named = /^(\d)(?!\d)/.exec(file.name);
      const label = named ? Number(named[1]) : Number(labelSelect.value);
      if (file.size === 0) notes.push(`${file.name} is empty`);
      else if (file.size > MAX_IMAGE_BYTES) notes.push(`${file.name} is ${(file.size / 2 ** 20).toFixed(1)} MB; at most ${MAX_IMAGE_BYTES / 2 ** 20} MB`);
      else {
        let bitmap: ImageBitmap;
        try {
          bitmap = await createImageBitmap(file);
        } catch {
          notes.push(`${file.name} is not an image this browser can read`);
          continue;
        }
        if (bitmap.width > MAX_IMAGE_SIDE || bitmap.height > MAX_IMAGE_SIDE) {
          notes.push(`${file.name} is ${bitmap.width} × ${bitmap.height} pixels; at most ${MAX_IMAGE_SIDE} on a side`);
          bitmap.close();
          continue;
        }
        // Large images are scaled down by the browser first (at most 560 pixels on a side), then prepared.
        const scale = Math.min(1, 560 / Math.max(bitmap.width, bitmap.height));
        const w = Math.max(1, Math.round(bitmap.width * scale)),
          h = Math.max(1, Math.round(bitmap.height * scale));
        const canvas = document.createElement("canvas");
        canvas.width = w;
        canvas.height = h;
        const context = canvas.getContext("2d", {willReadFrequently: true})!;
        context.drawImage(bitmap, 0, 0, w, h);
        bitmap.close();
        const digit = imageDigit(context.getImageData(0, 0, w, h).data, w, h);
        if (digit.empty) notes.push(`${file.name} has no ink (a blank or single-colour image)`);
        else if (add(digit.pixels, label, file.name)) {
          added++;
          continue;
        }
      }
    }
    say([added ? `Added ${added} digit${added === 1 ? "" : "s"}.` : "", notes.length ? `Not added: ${notes.join("; ")}.` : ""].filter(Boolean).join(" "), notes.length ? "error" : "info");
    render();
    if (added) await store();
  }

  fileInput.addEventListener("change", async () => {
    if (fileInput.files?.length) await addFiles(fileInput.files);
    fileInput.value = "";
  });
  node.addEventListener("dragover", (event) => {
    event.preventDefault();
    node.dataset.dropping = "true";
  });
  node.addEventListener("dragleave", () => delete node.dataset.dropping);
  node.addEventListener("drop", async (event) => {
    event.preventDefault();
    delete node.dataset.dropping;
    if (event.dataTransfer?.files.length) await addFiles(event.dataTransfer.files);
  });

  exportButton.addEventListener("click", () => saveBlob(new Blob([myDigitsText(digits)], {type: "application/json"}), `my-digits-${digits.length}.json`));
  importInput.addEventListener("change", async () => {
    const file = importInput.files?.[0];
    importInput.value = "";
    if (!file) return;
    try {
      const read = readMyDigits(await file.text(), file.name);
      const known = new Set(digits.map((d) => d.id));
      const fresh = read.filter((d) => !known.has(d.id)).slice(0, MAX_MY_DIGITS - digits.length);
      digits = [...digits, ...fresh];
      storable = true;
      say(`Imported ${fresh.length} digit${fresh.length === 1 ? "" : "s"} from ${file.name}${fresh.length < read.length ? ` (${read.length - fresh.length} already here or over the limit)` : ""}.`);
      render();
      await store();
    } catch (error) {
      say(`${file.name} was not imported: ${(error as Error).message}`, "error");
    }
  });

  tuneButton.addEventListener("click", () => {
    const updates = Number(updatesInput.value);
    if (!(Number.isInteger(updates) && updates >= 1 && updates <= 2000)) return say(`Fine-tuning updates: ${JSON.stringify(updatesInput.value)} is not a whole number from 1 to 2,000.`, "error");
    if (!digits.length) return say("Add some digits first: fine-tuning mixes them into MNIST.", "error");
    tuned = fineTune(digits, updates);
    const {before, after} = tuned;
    tuneResult.textContent = `A copy trained ${tuned.updates} updates on 2,000 MNIST digits plus yours (each 20 times): your digits ${pct(before.personal)} → ${pct(after.personal)}, MNIST test digits ${(100 * before.test).toFixed(1)} % → ${(100 * after.test).toFixed(1)} %.`;
    adoptButton.hidden = false;
  });
  adoptButton.addEventListener("click", () => {
    if (!tuned) return;
    adopt(tuned.network);
    adoptButton.hidden = true;
    say("The run now continues from the fine-tuned network.");
  });

  /** Rebuilds the list (when the set changes), then the figures. */
  function render(): void {
    list.replaceChildren(
      ...digits.map((d) => {
        const thumb = html`<button type="button" class="my-digit-pick" aria-label=${`Make your ${d.label} (${d.source}) the current input`}>
          ${digitCanvas(digitInput(d), {size: 42, label: `your ${d.label}`})}
        </button>` as HTMLButtonElement;
        thumb.addEventListener("click", () => onPick(digitInput(d), d.label, `your ${d.label} (${d.source})`));
        const remove = html`<button type="button" class="my-digit-delete" aria-label=${`Delete your ${d.label} (${d.source})`}>Delete</button>` as HTMLButtonElement;
        remove.addEventListener("click", async () => {
          const at = digits.findIndex((x) => x.id === d.id);
          digits = digits.filter((x) => x.id !== d.id);
          render();
          // Keyboard focus moves to the next digit's Delete button (or the label choice when none is left).
          ((list.querySelectorAll(".my-digit-delete")[Math.min(at, digits.length - 1)] as HTMLElement | undefined) ?? labelSelect).focus();
          say(`Deleted your ${d.label} (${d.source}).`);
          await store();
        });
        return html`<li data-id=${d.id} data-label=${d.label}>${thumb}<span class="my-digit-guess"></span>${remove}</li>`;
      }),
    );
    refresh();
  }

  /** Updates the guesses, the counts and the table for the network as it is now (the list stays, so focus does too). */
  function refresh(): void {
    const net = network();
    const scores = personalAccuracy(net, digits);
    count.textContent = String(digits.length);
    noun.textContent = digits.length === 1 ? "digit" : "digits";
    personal.textContent = digits.length ? `${scores.correct.reduce((a, b) => a + b, 0)} (${pct(scores.accuracy)})` : "–";
    list.querySelectorAll("li").forEach((li, i) => {
      const guess = scores.guesses[i];
      li.dataset.guess = String(guess);
      li.querySelector(".my-digit-guess")!.textContent = `${digits[i].label} → ${guess} ${guess === digits[i].label ? "✓" : "✗"}`;
    });
    const mnist = testAccuracy();
    table.replaceChildren(
      html`<caption class="small">
        Per class: your digits and the MNIST test digits, for the network on show
      </caption>`,
      html`<thead>
        <tr>
          <th scope="row">class</th>
          ${Array.from({length: 10}, (_, c) => html`<th scope="col">${c}</th>`)}
          <th scope="col">all</th>
        </tr>
      </thead>`,
      html`<tbody>
        <tr>
          <th scope="row">your digits</th>
          ${scores.count.map((n, c) => html`<td>${n ? `${scores.correct[c]}/${n}` : "–"}</td>`)}
          <td data-metric="my-digits-overall">${pct(scores.accuracy)}</td>
        </tr>
        <tr>
          <th scope="row">MNIST test</th>
          ${Array.from({length: 10}, (_, c) => html`<td>${mnist ? pct(mnist.perClass[c]) : "–"}</td>`)}
          <td>${mnist ? pct(mnist.overall) : "–"}</td>
        </tr>
      </tbody>`,
    );
  }

  async function load(): Promise<void> {
    try {
      const stored = await get(MY_DIGITS_KEY);
      if (stored !== undefined) digits = readMyDigits(stored, "the set stored in this browser");
    } catch (error) {
      // Keep the stored set as it is (nothing is overwritten) and say why it is not used.
      storable = false;
      say(`${(error as Error).message}. It is left as it is; import a set or add a digit to replace it.`, "error");
    }
    render();
  }
  const ready = load();

  return {
    node,
    /** Resolves once the stored set has been read. */
    ready,
    refresh,
    get digits(): readonly MyDigit[] {
      return digits;
    },
  };
}
