/**
 * The NB201 supernet's training step, naskit's and PyTorch's (bench/oneshot/supernet_torch.py), for
 * bench/oneshot/step.ts and the supernet row of bench/engine: forward with softmax(α), backward to
 * the weights and α, an SGD step on the weights and an Adam step on α, on one random batch.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as E from '../../src/engine/index.js';
import { ArchParameters, Darts, lossOf, Nb201Supernet, nb201CellSpec } from '../../src/oneshot/index.js';
import { projectRoot } from '../../src/util/paths.js';

/** The supernet's size and batch (both sides). */
export interface SupernetSize {
  readonly channels: number;
  readonly cells: number;
  readonly batch: number;
}

/** naskit's supernet step, built once (weights, α, both optimizers, the batch); call it to run one step. */
export function makeSupernetStep(size: SupernetSize): () => void {
  const spec = nb201CellSpec();
  const gen = new E.Generator(0);
  const net = new Nb201Supernet(spec, { channels: size.channels, cells: size.cells, numClasses: 10, generator: gen });
  const arch = new ArchParameters(spec, { generator: gen });
  const method = new Darts(spec);
  const wopt = new E.SGD(net.parameters(), { lr: 0.025, momentum: 0.9, weightDecay: 3e-4 });
  const aopt = new E.Adam(arch.list(), { lr: 3e-4, betas: [0.5, 0.999], weightDecay: 1e-3 });
  const x = E.keep(E.randn([size.batch, 3, 32, 32], { generator: gen }));
  const y = E.keep(E.randint(0, 10, [size.batch], gen));
  const ctx = { epoch: 0, epochs: 1, generator: gen, weightLr: 0.025, weightDecay: 3e-4 };
  return () =>
    E.scope(() => {
      const { loss } = lossOf(net, method.weights(arch, ctx, false), { x, y });
      wopt.zeroGrad();
      aopt.zeroGrad();
      loss.backward();
      wopt.step();
      aopt.step();
      loss.item();
    });
}

/** Milliseconds of `steps` PyTorch supernet steps after `warmup` untimed ones, in a fresh Python. */
export function torchSupernetSteps(python: string, threads: number, steps: number, warmup: number, size: SupernetSize): number[] {
  const script = join(projectRoot(), 'bench', 'oneshot', 'supernet_torch.py');
  const r = spawnSync(python, [script, String(threads), String(steps), String(warmup), String(size.channels), String(size.cells), String(size.batch)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`supernet_torch.py failed: ${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number[] }).ms;
}
