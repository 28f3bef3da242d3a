/**
 * Save and Load buttons for a trained network: Save downloads a file the page composes (the
 * network module's versioned JSON); Load reads a file the reader picks and hands its text to the
 * page. A file the page rejects (its `load` throws, e.g. the module's NetworkFileError) is named in
 * a message beside the buttons, and nothing else changes.
 *
 *   saveLoad({
 *     save: () => ({name: "mnist-1a2b3c.json", text: JSON.stringify(toJSON(network, meta))}),
 *     load: (text, fileName) => { … throws on a bad file … return "Loaded …"; },
 *   })
 */
import {html} from "htl";
import {saveBlob} from "./download.js";

export interface SaveLoadOptions {
  /** The file to download: its name and JSON text. */
  save: () => {name: string; text: string};
  /** Takes a picked file's text; returns a sentence to show, or throws an Error whose message is shown. */
  load: (text: string, fileName: string) => string | Promise<string>;
}

export function saveLoad({save, load}: SaveLoadOptions): HTMLElement {
  const message = html`<div class="save-load-message" role="status" data-metric="load-message"></div>` as HTMLDivElement;
  const show = (text: string, kind: "ok" | "error") => {
    message.textContent = text;
    message.dataset.kind = kind;
  };
  const onSave = () => {
    const {name, text} = save();
    saveBlob(new Blob([text], {type: "application/json"}), name);
    show(`Saved ${name}.`, "ok");
  };
  const file = html`<input type="file" accept=".json,application/json" />` as HTMLInputElement;
  file.addEventListener("change", async (event) => {
    event.stopPropagation();
    const picked = file.files?.[0];
    if (!picked) return;
    try {
      show(await load(await picked.text(), picked.name), "ok");
    } catch (error) {
      const e = error as Error;
      show(`${picked.name} was not loaded: ${e.name && e.name !== "Error" ? `${e.name}: ` : ""}${e.message}`, "error");
    } finally {
      file.value = "";
    }
  });
  return html`<div class="save-load">
    <button type="button" data-action="save" title="Download this network (weights, config, fingerprint) as JSON" onclick=${onSave}>Save network</button>
    <label class="save-load-file">Load network ${file}</label>
    ${message}
  </div>`;
}
