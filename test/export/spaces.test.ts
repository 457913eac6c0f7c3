import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from '../../src/engine/index.js';
import { buildModel, type ModelSpec } from '../../src/engine/model-spec.js';
import type { Layer } from '../../src/engine/nn/module.js';
import { decodeSafetensors } from '../../src/engine/safetensors.js';
import { stateDictToSafetensors } from '../../src/engine/state-bytes.js';
import { exportBytes, loadExport, writeExportFile, type ArchitectureDocument, type ExperimentModel } from '../../src/export/index.js';
import { Nb201Space } from '../../src/space/nb201.js';
import { Rng } from '../../src/util/rng.js';
import { engineTest } from '../engine/helpers.js';
import { engineLogits, fixedBatch, maxAbsDiff, onnxVersusEngine, plainPreprocessing, randomizeBatchNorms } from './helpers.js';

/** A trainable space's random architecture: its model spec and input shape. */
interface Drawn {
  readonly spec: ModelSpec;
  readonly input: [number, number, number];
}

/** Input shapes drawn from: CIFAR-10's and (Fashion-)MNIST's (28 → 14 → 7: odd sizes after the reductions). */
const SHAPES: [number, number, number][] = [
  [3, 32, 32],
  [1, 28, 28],
];

/** The spaces that are trainable today, each with a draw of a random architecture (and network size). */
const SPACES: Record<string, (rng: Rng, seed: number) => Drawn> = {
  nb201: (rng, seed) => {
    const space = new Nb201Space();
    const input = rng.choice(SHAPES);
    return { input, spec: { kind: 'nb201', arch: space.format(space.random(rng)), inChannels: input[0], numClasses: rng.intBetween(2, 12), channels: rng.intBetween(2, 6), cells: rng.intBetween(1, 2), seed } };
  },
  cnn: (rng, seed) => {
    const input = rng.choice(SHAPES);
    return { input, spec: { kind: 'cnn', inChannels: input[0], numClasses: rng.intBetween(2, 12), channels: rng.intBetween(2, 8), dropout: rng.choice([0, 0.2]), seed } };
  },
};

const ARCHITECTURES = 20;

function documentOf(d: Drawn): ArchitectureDocument {
  const preprocessing = plainPreprocessing(d.input, d.spec.numClasses);
  return { format: 'naskit-architecture', version: 1, space: d.spec.kind, arch: d.spec.kind === 'nb201' ? d.spec.arch : null, model: d.spec, preprocessing, weights: null, source: null };
}

for (const [name, draw] of Object.entries(SPACES)) {
  engineTest(`export ${name}: ${ARCHITECTURES} random architectures give the engine's logits in onnxruntime (max abs diff <= 1e-4)`, async () => {
    const rng = new Rng(14);
    for (let i = 0; i < ARCHITECTURES; i++) {
      const drawn = draw(rng, i);
      const model = buildModel(drawn.spec);
      try {
        randomizeBatchNorms(model, i);
        const { diff } = await onnxVersusEngine(model, drawn.input, plainPreprocessing(drawn.input, drawn.spec.numClasses), 1000 + i);
        assert.ok(diff <= 1e-4, `${JSON.stringify(drawn.spec)}: max abs difference ${diff}`);
      } finally {
        model.dispose();
      }
    }
  });

  engineTest(`export ${name}: ${ARCHITECTURES} reloaded exports (architecture + safetensors) give the same logits; one trains further`, () => {
    const rng = new Rng(41);
    const dir = mkdtempSync(join(tmpdir(), `naskit-export-${name}-`));
    try {
      for (let i = 0; i < ARCHITECTURES; i++) {
        const drawn = draw(rng, i);
        const model = buildModel(drawn.spec);
        randomizeBatchNorms(model, i);
        const batch = fixedBatch(4, drawn.input, 2000 + i);
        const before = engineLogits(model, batch, [4, ...drawn.input]);
        const source: ExperimentModel = { doc: documentOf(drawn), weights: decodeSafetensors(stateDictToSafetensors(model)) };
        model.dispose();
        const folder = join(dir, String(i));
        writeExportFile(join(folder, 'model.json'), exportBytes(source, 'json', join(folder, 'model.json')));
        writeExportFile(join(folder, 'model.safetensors'), exportBytes(source, 'safetensors', join(folder, 'model.safetensors')));
        // Reloaded from the folder (json + weights beside it) and from the weights file alone (its metadata carries the architecture).
        for (const path of [folder, join(folder, 'model.safetensors')]) {
          const { model: reloaded } = loadExport(path);
          assert.equal(maxAbsDiff(engineLogits(reloaded, batch, [4, ...drawn.input]), before), 0, `${path}: logits differ after reloading`);
          if (i === 0 && path === folder) trainsFurther(reloaded, drawn);
          reloaded.dispose();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** A few SGD steps on a fixed batch lower the loss of a reloaded model. */
function trainsFurther(model: Layer, drawn: Drawn): void {
  const shape = [16, ...drawn.input];
  const images = E.keep(E.tensor(fixedBatch(16, drawn.input, 77), shape));
  const labels = E.keep(E.tensor(Int32Array.from({ length: 16 }, (_, k) => k % drawn.spec.numClasses), [16]).to('int64'));
  const optimizer = new E.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const lossNow = (): number => E.scope(() => E.crossEntropy(model.forward(images), labels).item());
  model.train();
  const losses: number[] = [];
  for (let step = 0; step < 15; step++) {
    losses.push(
      E.scope(() => {
        const loss = E.crossEntropy(model.forward(images), labels);
        loss.backward();
        optimizer.step();
        optimizer.zeroGrad();
        return loss.item();
      }),
    );
  }
  const last = lossNow();
  assert.ok(last < 0.8 * losses[0], `loss did not fall: ${losses[0].toFixed(4)} -> ${last.toFixed(4)}`);
  optimizer.dispose();
  E.dispose(images, labels);
}
