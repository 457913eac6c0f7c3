/**
 * Export of naskit's models: the architecture (JSON, reloadable), the trained weights (safetensors)
 * and a self-contained ONNX model (IR 8, opset 17) written from the module graph by a table of
 * handlers, one per module type; `predict` runs either kind on images.
 */
export { ONNX_IR_VERSION, ONNX_OPSET, encodeOnnxModel, readOnnxSummary, type OnnxModel, type OnnxNode, type OnnxInitializer, type OnnxAttribute, type OnnxSummary } from './onnx-proto.js';
export { GraphBuilder, ExportError, attr, windowOutput, nchw, type Dim, type Value } from './graph.js';
export { handler, childPath, type Handler, type HandlerEntry, type ExportContext, type ModuleType } from './handler.js';
export { HANDLERS, HANDLER_ENTRIES, NOT_EXPORTED } from './handlers/index.js';
export { buildOnnxModel, exportOnnx, ONNX_INPUT, ONNX_OUTPUT, type OnnxExportOptions } from './onnx.js';
export { datasetPreprocessing, preprocessingMetadata, preprocessingFromMetadata, METADATA_KEYS, type Preprocessing } from './preprocessing.js';
export { parseArchitectureDocument, readArchitectureFile, SAFETENSORS_ARCHITECTURE_KEY, type ArchitectureDocument } from './architecture.js';
export { experimentModel, type ExperimentModel } from './from-experiment.js';
export { EXPORT_FORMATS, exportBytes, writeExportFile, buildWithWeights, findExport, loadExport, companionWeights, type ExportFormat, type ExportOnDisk } from './artifacts.js';
export { readInputImages, type InputImages } from './images.js';
export { predict, topClasses, isOnnxPath, type Prediction, type PredictOptions } from './predict.js';
