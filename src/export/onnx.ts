import type { Module } from '../engine/nn/module.js';
import { ExportError, GraphBuilder, type Dim, type Value } from './graph.js';
import type { ExportContext, Handler, ModuleType } from './handler.js';
import { HANDLERS, NOT_EXPORTED } from './handlers/index.js';
import { encodeOnnxModel, type OnnxModel } from './onnx-proto.js';
import { preprocessingMetadata, type Preprocessing } from './preprocessing.js';

/** Options of {@link exportOnnx}. */
export interface OnnxExportOptions {
  /** Input size and preprocessing; stored as metadata_props. */
  readonly preprocessing: Preprocessing;
  /** More metadata_props (e.g. `naskit.architecture`). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** The producer's version (naskit's). */
  readonly producerVersion?: string;
  /**
   * The graph's input, when it is not the preprocessing's images ([N, C, H, W] float32): e.g. a
   * sequence for a recurrent module, or int64 indices for an embedding.
   */
  readonly input?: { readonly dims: readonly Dim[]; readonly dtype: 'float32' | 'int64' };
  /** The handler table (default: every handler naskit has). */
  readonly handlers?: ReadonlyMap<ModuleType, Handler<Module>>;
}

/** The graph's input and output names. */
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'logits';

/**
 * Builds the ONNX description of `model` (evaluation form: batch norm with running statistics,
 * dropout as identity) from its module graph, one handler per module type. The batch dimension
 * stays open (`N`); height, width and channels are fixed by the preprocessing. A module without a
 * handler is an `ExportError` (`EXPORT_UNSUPPORTED_MODULE`) naming its type and path.
 */
export function buildOnnxModel(model: Module, options: OnnxExportOptions): OnnxModel {
  const handlers = options.handlers ?? HANDLERS;
  const graph = new GraphBuilder();
  const emit = (module: Module, input: Value, path: string): Value => {
    const handler = handlers.get(module.constructor as ModuleType);
    if (!handler) {
      const type = module.constructor.name;
      const why = NOT_EXPORTED[type];
      const known = [...handlers.keys()].map((t) => t.name).sort().join(', ');
      throw new ExportError('EXPORT_UNSUPPORTED_MODULE', `cannot export ${path || 'the model'}: module type ${type} has no ONNX handler${why ? ` (${why})` : ''}; naskit exports ${known} (add a handler in src/export/handlers, see docs/export.md)`);
    }
    return handler(module, input, path, context);
  };
  const context: ExportContext = { graph, emit };
  const { input } = options.preprocessing;
  graph.unique(ONNX_INPUT);
  const inputDims: readonly Dim[] = options.input?.dims ?? ['N', input.channels, input.height, input.width];
  const x: Value = { name: ONNX_INPUT, shape: inputDims };
  const y = emit(model, x, '');
  // A classifier's logits are [N, classes]; with no classes named (a single module's test), any output goes.
  const classes = options.preprocessing.classes.length;
  if (classes > 0 && (y.shape.length !== 2 || y.shape[1] !== classes)) {
    throw new ExportError('EXPORT_SHAPE', `the model's output is [${y.shape.join(', ')}], expected [N, ${classes}] logits (one per class)`);
  }
  graph.unique(ONNX_OUTPUT);
  graph.nodes.push({ name: ONNX_OUTPUT, op: 'Identity', inputs: [y.name], outputs: [ONNX_OUTPUT], attributes: {} });
  return {
    graphName: model.constructor.name,
    inputs: [{ name: ONNX_INPUT, dims: inputDims, dtype: options.input?.dtype ?? 'float32' }],
    outputs: [{ name: ONNX_OUTPUT, dims: y.shape }],
    nodes: graph.nodes,
    initializers: graph.initializers,
    metadata: { ...preprocessingMetadata(options.preprocessing), ...options.metadata },
    producerVersion: options.producerVersion ?? '',
    docString: `${model.constructor.name} exported by naskit; input: float32 NCHW images normalised as naskit.normalization says; output: logits`,
  };
}

/** {@link buildOnnxModel}, serialised to ONNX bytes (IR 8, opset 17). */
export function exportOnnx(model: Module, options: OnnxExportOptions): Uint8Array {
  return encodeOnnxModel(buildOnnxModel(model, options));
}
