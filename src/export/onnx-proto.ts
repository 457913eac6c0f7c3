/**
 * The one module that touches the ONNX protobuf schema. It turns naskit's plain description of an
 * ONNX model ({@link OnnxModel}) into bytes with the `onnx-proto` package (ONNX 1.10's schema
 * through protobufjs), and reads the metadata of an ONNX file back. Everything else in `export/`
 * works with the plain types below, so the protobuf package can be swapped here alone.
 *
 * Target: IR version 8 and the default-domain opset 17 (onnxruntime 1.x and `onnx` ≥ 1.12 read both).
 */
import onnxProto from 'onnx-proto';
import { DataError } from '../errors.js';

const { onnx } = onnxProto;

/** The ONNX IR version naskit writes. */
export const ONNX_IR_VERSION = 8;
/** The default-domain operator set naskit writes. */
export const ONNX_OPSET = 17;

/** One attribute of a node, tagged with its ONNX type. */
export type OnnxAttribute =
  | { readonly int: number }
  | { readonly ints: readonly number[] }
  | { readonly float: number }
  | { readonly floats: readonly number[] }
  | { readonly string: string };

/** A node: one operator of the default domain. */
export interface OnnxNode {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, OnnxAttribute>>;
}

/** A constant tensor stored in the graph (weights, shapes). */
export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array;
}

/** A graph input or output: its element type (default float32) and named (symbolic) or fixed dimensions. */
export interface OnnxValueInfo {
  readonly name: string;
  readonly dims: readonly (number | string)[];
  readonly dtype?: 'float32' | 'int64';
}

/** A whole model as naskit builds it. */
export interface OnnxModel {
  readonly graphName: string;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxInitializer[];
  /** Stored as the model's metadata_props (string to string). */
  readonly metadata: Readonly<Record<string, string>>;
  readonly producerVersion: string;
  readonly docString: string;
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const A = onnx.AttributeProto.AttributeType;

function attribute(name: string, value: OnnxAttribute): onnxProto.onnx.IAttributeProto {
  if ('int' in value) return { name, type: A.INT, i: value.int };
  if ('ints' in value) return { name, type: A.INTS, ints: [...value.ints] };
  if ('float' in value) return { name, type: A.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: A.FLOATS, floats: [...value.floats] };
  return { name, type: A.STRING, s: new TextEncoder().encode(value.string) };
}

function valueInfo(value: OnnxValueInfo): onnxProto.onnx.IValueInfoProto {
  return {
    name: value.name,
    type: { tensorType: { elemType: value.dtype === 'int64' ? INT64 : FLOAT, shape: { dim: value.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

function initializer(t: OnnxInitializer): onnxProto.onnx.ITensorProto {
  // raw_data is little-endian; typed arrays are in the platform's order, little-endian on every platform Node supports.
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength).slice();
  return { name: t.name, dims: [...t.dims], dataType: t.data instanceof Float32Array ? FLOAT : INT64, rawData: bytes };
}

/** Serialises a model (IR {@link ONNX_IR_VERSION}, opset {@link ONNX_OPSET}) to ONNX protobuf bytes. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const proto = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'naskit',
    producerVersion: model.producerVersion,
    docString: model.docString,
    graph: {
      name: model.graphName,
      node: model.nodes.map((n) => ({ name: n.name, opType: n.op, domain: '', input: [...n.inputs], output: [...n.outputs], attribute: Object.entries(n.attributes).map(([k, v]) => attribute(k, v)) })),
      initializer: model.initializers.map(initializer),
      input: model.inputs.map(valueInfo),
      output: model.outputs.map(valueInfo),
    },
    metadataProps: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(proto).finish();
}

/** What {@link readOnnxSummary} finds in an ONNX file. */
export interface OnnxSummary {
  readonly irVersion: number;
  readonly opset: number | null;
  readonly producer: string;
  readonly metadata: Record<string, string>;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

/**
 * Decodes an ONNX file's header parts (versions, producer, metadata_props, graph inputs and outputs).
 * A file that is not an ONNX model is a `DataError` `ONNX_CORRUPT` naming `source`.
 */
export function readOnnxSummary(bytes: Uint8Array, source: string): OnnxSummary {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new DataError('ONNX_CORRUPT', `${source}: not a readable ONNX model (${(error as Error).message}); export it again with \`naskit export NAME --format onnx\``);
  }
  const graph = model.graph;
  if (!graph || !graph.node?.length || !graph.input?.length) {
    throw new DataError('ONNX_CORRUPT', `${source}: not an ONNX model (no graph with inputs and nodes); export it again with \`naskit export NAME --format onnx\``);
  }
  const info = (v: onnxProto.onnx.IValueInfoProto): OnnxValueInfo => ({
    name: v.name ?? '',
    dims: (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? 0))),
    dtype: v.type?.tensorType?.elemType === INT64 ? 'int64' : 'float32',
  });
  const opset = model.opsetImport.find((o) => !o.domain);
  return {
    irVersion: Number(model.irVersion),
    opset: opset ? Number(opset.version) : null,
    producer: model.producerName,
    metadata: Object.fromEntries(model.metadataProps.map((p) => [p.key ?? '', p.value ?? ''])),
    inputs: graph.input.map(info),
    outputs: (graph.output ?? []).map(info),
  };
}
