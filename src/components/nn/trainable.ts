/**
 * What the Trainer, `evaluate` and the gradient check need from a network: the surface `Network`
 * (fully connected) and `ConvNetwork` (convolutional, conv.ts) both offer. Nothing here computes.
 */
import type {Layer, LayerGradients, SparseInput} from "./network.js";

/** A network that `evaluate` can score: a forward pass from its workspace and the logits of the last one. */
export interface EvaluableNetwork {
  /** "conv" for a ConvNetwork; absent on the fully-connected Network. */
  readonly kind?: "conv";
  readonly inputSize: number;
  readonly outputSize: number;
  /** Parameter layers (L of them), in order. */
  readonly depth: number;
  /** a[0] is the input workspace. */
  readonly a: Float64Array[];
  /** z[depth − 1] holds the logits of the last forward pass. */
  readonly z: Float64Array[];
  /** Workspace for a sparse input (its non-zero entries). */
  readonly sparse: SparseInput;
  /** Forward pass from a[0]; returns the output activations. */
  forwardWorkspace(): Float64Array;
  /** Forward pass from the sparse input in `sparse`; the same bits as forwardWorkspace on the dense input. */
  forwardSparse(): Float64Array;
  /** Loss of the last forward pass for the true class `label`. */
  loss(label: number): number;
}

/** A network the Trainer can train and the gradient check can check. */
export interface TrainableNetwork extends EvaluableNetwork {
  readonly config: {readonly seed: number};
  /** Parameter layers: weights (fanOut × fanIn, row-major) and biases (fanOut); the optimisers update these arrays in place. */
  readonly layers: Layer[];
  /** Dropout masks of the hidden layers while training (fully-connected networks only), else null. */
  dropoutMask: Float64Array[] | null;
  /** Adds this sample's ∂L/∂W and ∂L/∂b (from the last forward pass) into `gradients`. */
  backward(label: number, gradients: LayerGradients[], sparseInput?: boolean): void;
  /** Backpropagation fused with a plain SGD update θ ← θ + k·∂L/∂θ; false when a parameter became non-finite. */
  backwardSgd(label: number, step: {readonly k: number}, sparseInput?: boolean): boolean;
}

/** Zeroed arrays shaped like `layers` (a gradient or optimiser state). */
export function zeroGradientsOf(layers: readonly Layer[]): LayerGradients[] {
  return layers.map(({weights, biases}) => ({weights: new Float64Array(weights.length), biases: new Float64Array(biases.length)}));
}
