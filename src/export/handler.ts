import type { Module } from '../engine/nn/module.js';
import type { GraphBuilder, Value } from './graph.js';

/** What a handler gets besides its module: the graph being built and the way to export a child. */
export interface ExportContext {
  readonly graph: GraphBuilder;
  /** Exports `module` (a child) applied to `input`; `path` is its state-dict path (`cells.2`). */
  emit(module: Module, input: Value, path: string): Value;
}

/** Turns one module applied to `input` into ONNX nodes and returns its output. */
export type Handler<M extends Module> = (module: M, input: Value, path: string, context: ExportContext) => Value;

/** A module class (concrete or abstract), as the handler table's key. */
export type ModuleType<M extends Module = Module> = abstract new (...args: never[]) => M;

/** One row of the handler table. */
export interface HandlerEntry {
  readonly type: ModuleType;
  readonly handler: Handler<Module>;
}

/** A row: the module class and the ONNX nodes it becomes. */
export function handler<M extends Module>(type: ModuleType<M>, fn: Handler<M>): HandlerEntry {
  return { type, handler: fn as Handler<Module> };
}

/** The dotted path of a child (`''` is the root). */
export function childPath(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}
