import type { Tensor } from '../tensor.js';
import { Layer, Module } from './module.js';

/** Layers applied in order; children are named 0, 1, 2, ... (as PyTorch, so state dicts line up). */
export class Sequential extends Layer {
  readonly layers: readonly Layer[];
  constructor(...layers: Layer[]) {
    super();
    layers.forEach((layer, i) => this.registerModule(String(i), layer));
    this.layers = layers;
  }
  forward(x: Tensor): Tensor {
    let y = x;
    for (const layer of this.layers) y = layer.forward(y);
    return y;
  }
}

/** A list of modules registered as 0, 1, ... (as PyTorch) (no forward of its own). */
export class ModuleList<M extends Module = Module> extends Module {
  readonly #items: M[] = [];
  constructor(items: readonly M[] = []) {
    super();
    for (const item of items) this.push(item);
  }
  push(item: M): M {
    this.registerModule(String(this.#items.length), item);
    this.#items.push(item);
    return item;
  }
  get length(): number {
    return this.#items.length;
  }
  at(i: number): M {
    const item = this.#items[i];
    if (!item) throw new RangeError(`ModuleList: index ${i} is out of range (length ${this.#items.length})`);
    return item;
  }
  [Symbol.iterator](): Iterator<M> {
    return this.#items[Symbol.iterator]();
  }
}

/** Modules by name (no forward of its own). */
export class ModuleDict<M extends Module = Module> extends Module {
  readonly #items = new Map<string, M>();
  constructor(items: Readonly<Record<string, M>> = {}) {
    super();
    for (const [name, item] of Object.entries(items)) this.set(name, item);
  }
  set(name: string, item: M): M {
    this.registerModule(name, item);
    this.#items.set(name, item);
    return item;
  }
  get(name: string): M {
    const item = this.#items.get(name);
    if (!item) throw new RangeError(`ModuleDict: no module ${JSON.stringify(name)}; have ${[...this.#items.keys()].join(', ')}`);
    return item;
  }
  keys(): string[] {
    return [...this.#items.keys()];
  }
}
