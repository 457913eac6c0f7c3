/** Handlers of the general layers of `engine/nn` (convolution, normalisation, linear, pooling, activations, containers). */
import { Dropout, Flatten, GlobalAvgPool2d, Identity, AvgPool2d, MaxPool2d, ReLU } from '../../engine/nn/basic.js';
import { Sequential } from '../../engine/nn/container.js';
import { Conv2d } from '../../engine/nn/conv.js';
import { Linear } from '../../engine/nn/linear.js';
import { BatchNorm2d } from '../../engine/nn/norm.js';
import { attr, ExportError, nchw, windowOutput, type Dim } from '../graph.js';
import { childPath, handler, type HandlerEntry } from '../handler.js';

function checkChannels(where: string, got: number, expected: number): void {
  if (got !== expected) throw new ExportError('EXPORT_SHAPE', `${where}: receives ${got} channels but is built for ${expected}`);
}

/** Rows for the layers of engine/nn (basic, conv, linear, norm, container). */
export const LAYER_HANDLERS: readonly HandlerEntry[] = [
  handler(Conv2d, (m, x, path, { graph }) => {
    const [n, c, h, w] = nchw(x, path);
    checkChannels(path, c, m.inChannels);
    const inputs = [x.name, graph.weight(childPath(path, 'weight'), m.weight)];
    if (m.bias) inputs.push(graph.weight(childPath(path, 'bias'), m.bias));
    const { kernelSize: k, stride: s, padding: p, dilation: d } = m;
    const shape: Dim[] = [n, m.outChannels, windowOutput(h, k, s, p, d), windowOutput(w, k, s, p, d)];
    return graph.node('Conv', inputs, shape, path, {
      kernel_shape: attr.ints([k, k]),
      strides: attr.ints([s, s]),
      pads: attr.ints([p, p, p, p]),
      dilations: attr.ints([d, d]),
      group: attr.int(m.groups),
    });
  }),

  // Inference form: the running statistics, never the batch's.
  handler(BatchNorm2d, (m, x, path, { graph }) => {
    const [, c] = nchw(x, path);
    checkChannels(path, c, m.numFeatures);
    if (!m.runningMean || !m.runningVar) {
      throw new ExportError('EXPORT_UNSUPPORTED', `${path}: BatchNorm2d without running statistics normalises with each batch's statistics, which has no inference form; build it with trackRunningStats: true`);
    }
    const ones = new Float32Array(c).fill(1);
    const scale = m.weight ? graph.weight(childPath(path, 'weight'), m.weight) : graph.floats(childPath(path, 'weight'), ones, [c]);
    const bias = m.bias ? graph.weight(childPath(path, 'bias'), m.bias) : graph.floats(childPath(path, 'bias'), new Float32Array(c), [c]);
    const mean = graph.weight(childPath(path, 'running_mean'), m.runningMean);
    const variance = graph.weight(childPath(path, 'running_var'), m.runningVar);
    return graph.node('BatchNormalization', [x.name, scale, bias, mean, variance], x.shape, path, { epsilon: attr.float(m.eps) });
  }),

  handler(Linear, (m, x, path, { graph }) => {
    if (x.shape.length !== 2 || x.shape[1] !== m.inFeatures) {
      throw new ExportError('EXPORT_SHAPE', `${path}: Linear(${m.inFeatures} -> ${m.outFeatures}) exports for an [N, ${m.inFeatures}] input, got [${x.shape.join(', ')}]`);
    }
    const inputs = [x.name, graph.weight(childPath(path, 'weight'), m.weight)];
    if (m.bias) inputs.push(graph.weight(childPath(path, 'bias'), m.bias));
    return graph.node('Gemm', inputs, [x.shape[0], m.outFeatures], path, { transB: attr.int(1) });
  }),

  handler(ReLU, (_m, x, path, { graph }) => graph.node('Relu', [x.name], x.shape, path)),
  // Dropout is the identity in evaluation, and an exported model only evaluates.
  handler(Dropout, (_m, x) => x),
  handler(Identity, (_m, x) => x),

  handler(Flatten, (_m, x, path, { graph }) => {
    const rest = x.shape.slice(1);
    const size = rest.every((d): d is number => typeof d === 'number') ? rest.reduce((a, b) => a * b, 1) : 'N';
    return graph.node('Flatten', [x.name], [x.shape[0], size], path, { axis: attr.int(1) });
  }),

  handler(MaxPool2d, (m, x, path, { graph }) => {
    const [n, c, h, w] = nchw(x, path);
    const { kernelSize: k, stride: s, padding: p } = m;
    return graph.node('MaxPool', [x.name], [n, c, windowOutput(h, k, s, p), windowOutput(w, k, s, p)], path, {
      kernel_shape: attr.ints([k, k]),
      strides: attr.ints([s, s]),
      pads: attr.ints([p, p, p, p]),
    });
  }),

  handler(AvgPool2d, (m, x, path, { graph }) => {
    const [n, c, h, w] = nchw(x, path);
    const { kernelSize: k, stride: s, padding: p } = m;
    return graph.node('AveragePool', [x.name], [n, c, windowOutput(h, k, s, p), windowOutput(w, k, s, p)], path, {
      kernel_shape: attr.ints([k, k]),
      strides: attr.ints([s, s]),
      pads: attr.ints([p, p, p, p]),
      count_include_pad: attr.int(m.countIncludePad ? 1 : 0),
    });
  }),

  handler(GlobalAvgPool2d, (_m, x, path, { graph }) => {
    const [n, c] = nchw(x, path);
    const pooled = graph.node('GlobalAveragePool', [x.name], [n, c, 1, 1], path);
    return graph.node('Flatten', [pooled.name], [n, c], path, { axis: attr.int(1) });
  }),

  handler(Sequential, (m, x, path, { emit }) => m.layers.reduce((y, layer, i) => emit(layer, y, childPath(path, String(i))), x)),
];
