/** Layers and models' building blocks: the Module contract and the layers built on it. */
export { Module, Layer, StateDictMismatch, type LoadStateDictOptions } from './module.js';
export { Linear, type InitOptions } from './linear.js';
export { Conv2d, type Conv2dLayerOptions } from './conv.js';
export { BatchNorm2d, type BatchNormOptions as BatchNorm2dOptions } from './norm.js';
export { ReLU, Dropout, Identity, Flatten, MaxPool2d, AvgPool2d, GlobalAvgPool2d } from './basic.js';
export { Sequential, ModuleList, ModuleDict } from './container.js';
export { LSTMCell, LSTM, Embedding, type LstmState } from './recurrent.js';
export { ReLUConvBN, SepConv, DilConv, DualSepConv, Zero, FactorizedReduce, Pooling, ResNetBasicBlock, HalvingAvgPool, HalvingMaxPool } from './nas-ops.js';
export { MBConv, type MBConvOptions } from './mbconv.js';
export { DropPath, hasEpochSchedule, type EpochSchedule } from './drop-path.js';
export { AuxiliaryHead, hasAuxiliaryOutput, type AuxiliaryOutput } from './auxiliary-head.js';
export { DagCell, type DagVertex, type DagOutput } from './dag.js';
export * as init from './init.js';
