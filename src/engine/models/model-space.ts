import { SampleError } from '../../errors.js';
import type { ArchNode, ModelSpace } from '../../space/model-space.js';
import type { Sample, Value } from '../../space/types.js';
import type { Generator } from '../ops/creation.js';
import { AvgPool2d, Dropout, GlobalAvgPool2d, Identity, MaxPool2d, ReLU } from '../nn/basic.js';
import { Sequential } from '../nn/container.js';
import { Conv2d } from '../nn/conv.js';
import { DagCell } from '../nn/dag.js';
import { Linear } from '../nn/linear.js';
import { MBConv } from '../nn/mbconv.js';
import type { Layer } from '../nn/module.js';
import { SepConv, Zero } from '../nn/nas-ops.js';
import { BatchNorm2d } from '../nn/norm.js';

/** What a network needs besides its architecture: the data's shape and the weights' generator. */
export interface NetworkIo {
  readonly inChannels: number;
  readonly numClasses: number;
  /** Draws the initial weights (and dropout / drop-path masks); default libtorch's global generator. */
  readonly generator?: Generator | null;
}

function int(args: Readonly<Record<string, Value>>, name: string, fallback: number, where: string): number {
  const v = args[name] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new SampleError('SAMPLE_INVALID_VALUE', `${where}: argument ${name} must be a positive integer, got ${JSON.stringify(v)}`, name);
  return v;
}

function oddKernel(args: Readonly<Record<string, Value>>, where: string): number {
  const k = int(args, 'kernel', 3, where);
  if (k % 2 !== 1) throw new SampleError('SAMPLE_INVALID_VALUE', `${where}: kernel must be odd (same padding), got ${k}`, 'kernel');
  return k;
}

/** Builds one resolved node from `cIn` channels; returns the layer and its output channels. */
function build(node: ArchNode, cIn: number, generator: Generator | null, where: string): { layer: Layer; channels: number } {
  const init = { generator };
  switch (node.kind) {
    case 'module': {
      const a = node.args;
      const at = `${where} (${node.type})`;
      const out = a.out === undefined ? cIn : int(a, 'out', cIn, at);
      switch (node.type) {
        case 'conv': {
          const k = oddKernel(a, at);
          const dilation = int(a, 'dilation', 1, at);
          const conv = new Conv2d(cIn, out, k, { stride: int(a, 'stride', 1, at), padding: (dilation * (k - 1)) / 2, dilation, bias: false, ...init });
          return { layer: new Sequential(conv, new BatchNorm2d(out), new ReLU()), channels: out };
        }
        case 'sep_conv': {
          const k = oddKernel(a, at);
          return { layer: new SepConv(cIn, out, k, int(a, 'stride', 1, at), (k - 1) / 2, 1, init), channels: out };
        }
        case 'mbconv': {
          const expansion = a.expansion ?? 6;
          if (typeof expansion !== 'number' || !(expansion >= 1)) throw new SampleError('SAMPLE_INVALID_VALUE', `${at}: expansion must be a number >= 1, got ${JSON.stringify(expansion)}`, 'expansion');
          return { layer: new MBConv(cIn, out, oddKernel(a, at), expansion, int(a, 'stride', 1, at), init), channels: out };
        }
        case 'max_pool': {
          const k = oddKernel(a, at);
          return { layer: new MaxPool2d(k, int(a, 'stride', 1, at), (k - 1) / 2), channels: cIn };
        }
        case 'avg_pool': {
          const k = oddKernel(a, at);
          return { layer: new AvgPool2d(k, int(a, 'stride', 1, at), (k - 1) / 2, false), channels: cIn };
        }
        case 'identity':
          return { layer: new Identity(), channels: cIn };
        case 'zero':
          return { layer: new Zero(cIn, cIn, 1), channels: cIn };
        case 'dropout': {
          const p = a.p;
          if (typeof p !== 'number' || !(p >= 0 && p < 1)) throw new SampleError('SAMPLE_INVALID_VALUE', `${at}: p must be in [0, 1), got ${JSON.stringify(p)}`, 'p');
          return { layer: new Dropout(p, { generator }), channels: cIn };
        }
      }
      throw new RangeError(`${where}: unknown module type ${JSON.stringify((node as { type: unknown }).type)}`);
    }
    case 'sequential': {
      let c = cIn;
      const layers = node.children.map((child, i) => {
        const built = build(child, c, generator, `${where}.${i}`);
        c = built.channels;
        return built.layer;
      });
      return { layer: layers.length === 0 ? new Identity() : new Sequential(...layers), channels: c };
    }
    case 'dag': {
      const keep = (n: ArchNode | null, at: string): Layer => {
        if (n === null) return new Identity();
        const built = build(n, cIn, generator, at);
        if (built.channels !== cIn) throw new SampleError('SAMPLE_INVALID_VALUE', `${at}: an operation inside a graph or cell must keep the ${cIn} input channels, this one gives ${built.channels}`, null);
        return built.layer;
      };
      const vertices = node.vertices.map((v, k) => ({
        edges: v.edges.map((e, j) => ({ from: e.from, op: keep(e.op, `${where}.vertex_${k + 1}.edge_${j}`) })),
        op: keep(v.op, `${where}.vertex_${k + 1}`),
      }));
      return { layer: new DagCell(vertices, node.output), channels: node.output === 'concat' ? cIn * vertices.length : cIn };
    }
  }
}

/**
 * The network of a model-space sample: the resolved tree built from the data's channels, then
 * global average pooling and a linear classifier to the data's classes (a model space describes
 * the feature extractor; the head follows the data set).
 */
export function buildModelSpaceNetwork(space: ModelSpace, sample: Sample, io: NetworkIo): Sequential {
  const generator = io.generator ?? null;
  const body = build(space.resolve(sample), io.inChannels, generator, space.name);
  return new Sequential(body.layer, new GlobalAvgPool2d(), new Linear(body.channels, io.numClasses, { generator }));
}
