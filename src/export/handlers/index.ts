/**
 * The handler table: every module type naskit can export to ONNX, and the ONNX nodes it becomes.
 * Looked up by the module's exact class (a subclass may change `forward`, so it needs its own row).
 * Adding a module type is one row in one of these lists plus its case in test/export/cases.ts.
 */
import type { HandlerEntry, Handler, ModuleType } from '../handler.js';
import type { Module } from '../../engine/nn/module.js';
import { BLOCK_HANDLERS } from './blocks.js';
import { LAYER_HANDLERS } from './layers.js';
import { MODEL_HANDLERS } from './models.js';
import { NAS_OP_HANDLERS } from './nas-ops.js';
import { NETWORK_HANDLERS } from './networks.js';
import { RECURRENT_HANDLERS } from './recurrent.js';

/** Every row, in one list. */
export const HANDLER_ENTRIES: readonly HandlerEntry[] = [...LAYER_HANDLERS, ...NAS_OP_HANDLERS, ...BLOCK_HANDLERS, ...RECURRENT_HANDLERS, ...MODEL_HANDLERS, ...NETWORK_HANDLERS];

/** Module class → handler. */
export const HANDLERS: ReadonlyMap<ModuleType, Handler<Module>> = new Map(HANDLER_ENTRIES.map((e) => [e.type, e.handler]));

/**
 * Modules of `engine/nn` deliberately without a handler, and why (the error names the reason).
 * Containers without a forward are wired by their parent's handler.
 */
export const NOT_EXPORTED: Readonly<Record<string, string>> = {
  ModuleList: 'a list without a forward of its own; its parent module wires it',
  ModuleDict: 'a dictionary without a forward of its own; its parent module wires it',
};
