// Data loader: data/digit-strokes.json, validated, for the neuron lab's live generator and clean probes.
import {readStrokes} from "../components/datasets/lab-node.js";

process.stdout.write(JSON.stringify({strokes: Object.fromEntries(readStrokes().map((s, c) => [c, s]))}));
