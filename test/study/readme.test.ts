// The README's quick start for library users, read from README.md itself so that the two cannot
// drift: both snippets type-check against naskit's declarations and run as written, importing
// 'naskit' through the package's exports map, in a temporary project folder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import ts from 'typescript';
import { loadDataset } from '../../src/engine/data/load.js';
import { subset } from '../../src/engine/data/split.js';
import type { ImageDataset } from '../../src/engine/data/dataset.js';
import { openStore } from '../../src/experiment/open-store.js';
import { projectRoot } from '../../src/util/paths.js';
import { engineTest } from '../engine/helpers.js';
import { testDataDir } from '../helpers/data.js';

const SECTION = '## Define-by-run studies and the one-call classifier';

/** The TypeScript code blocks of the README's library quick start, by what they call. */
function snippets(): { study: string; classifier: string } {
  const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
  const start = readme.indexOf(SECTION);
  assert.ok(start >= 0, `README.md has no section "${SECTION}"`);
  const end = readme.indexOf('\n## ', start + SECTION.length);
  const blocks = [...readme.slice(start, end < 0 ? undefined : end).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.equal(blocks.length, 2, 'the section holds two ts blocks: the define-by-run study and the one-call classifier');
  const study = blocks.find((b) => b.includes('createStudy('));
  const classifier = blocks.find((b) => b.includes('new ImageClassifier('));
  assert.ok(study && classifier);
  return { study, classifier };
}

/** A project folder where `import ... from 'naskit'` resolves to this checkout (its built dist/ and exports map). */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'naskit-readme-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'readme-user', private: true, type: 'module' }));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(projectRoot(), join(dir, 'node_modules', 'naskit'), 'dir');
  return dir;
}

/** Type errors of the snippets (as `tsc --strict` with `module: nodenext` reports them), one line each. */
function typeErrors(dir: string, files: readonly string[]): string[] {
  const program = ts.createProgram(
    files.map((f) => join(dir, f)),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [join(projectRoot(), 'node_modules', '@types')],
    },
  );
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

/** Writes `code` as `<name>.mts` (for the type check) and its JavaScript as `<name>.mjs` (to run). */
function writeSnippet(dir: string, name: string, code: string): void {
  writeFileSync(join(dir, `${name}.mts`), code);
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  writeFileSync(join(dir, `${name}.mjs`), js);
}

function run(dir: string, script: string, env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(dir, script)], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('README: both library snippets type-check against the declarations of naskit (strict, nodenext)', () => {
  const { study, classifier } = snippets();
  const dir = project();
  try {
    writeSnippet(dir, 'study', study);
    writeSnippet(dir, 'classifier', classifier);
    assert.deepEqual(typeErrors(dir, ['study.mts', 'classifier.mts']), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('README: the define-by-run snippet runs as written, and a second run continues its study', async () => {
  const dir = project();
  try {
    writeSnippet(dir, 'study', snippets().study);
    const first = run(dir, 'study.mjs');
    assert.equal(first.status, 0, first.stderr);
    // console.log(study.bestTrial): a complete trial with the three parameters.
    assert.match(first.stdout, /state: 'complete'/);
    assert.match(first.stdout, /params: \{ depth: \d, op: '(conv3|conv5|sep3)', lr: [\d.e-]+ \}/);
    const second = run(dir, 'study.mjs');
    assert.equal(second.status, 0, second.stderr);
    const store = await openStore(`sqlite://${join(dir, '.naskit', 'study.db')}`);
    try {
      const experiment = (await store.getExperiment('my-search'))!;
      const trials = await store.trials(experiment.id);
      assert.equal(trials.length, 200);
      assert.ok(trials.every((t) => t.state === 'complete' || t.state === 'pruned'));
      assert.ok(trials.some((t) => t.state === 'pruned'), 'the median pruner stops some trials');
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Writes `data` as the gzipped IDX pair Fashion-MNIST ships (`<prefix>-images-idx3-ubyte.gz`, `<prefix>-labels-idx1-ubyte.gz`). */
function writeIdx(folder: string, prefix: 'train' | 't10k', data: ImageDataset): void {
  const { height, width } = data.shape;
  const header = (magic: number, dims: readonly number[]) => {
    const b = Buffer.alloc(4 + 4 * dims.length);
    b.writeUInt32BE(magic, 0);
    dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
    return b;
  };
  const images = Buffer.concat([header(0x803, [data.length, height, width]), Buffer.from(data.images.buffer, data.images.byteOffset, data.images.byteLength)]);
  const labels = Buffer.concat([header(0x801, [data.length]), Buffer.from(Uint8Array.from(data.labels))]);
  writeFileSync(join(folder, `${prefix}-images-idx3-ubyte.gz`), gzipSync(images));
  writeFileSync(join(folder, `${prefix}-labels-idx1-ubyte.gz`), gzipSync(labels));
}

engineTest('README: the one-call classifier snippet runs as written, on a small Fashion-MNIST (NASKIT_DATA)', async (t) => {
  const dir = project();
  try {
    writeSnippet(dir, 'classifier', snippets().classifier);
    // The data folder the snippet reads through dataDir(): 400 training and 200 test images drawn from the real sets.
    const data = join(dir, 'data');
    mkdirSync(join(data, 'fashion-mnist'), { recursive: true });
    writeIdx(join(data, 'fashion-mnist'), 'train', subset(await loadDataset(testDataDir(), 'fashion-mnist', 'train'), 400, 0));
    writeIdx(join(data, 'fashion-mnist'), 't10k', subset(await loadDataset(testDataDir(), 'fashion-mnist', 'test'), 200, 0));
    const r = run(dir, 'classifier.mjs', { NASKIT_DATA: data });
    assert.equal(r.status, 0, r.stderr);
    const accuracy = Number(/^test accuracy (\d+\.\d\d) %$/m.exec(r.stdout)?.[1]);
    t.diagnostic(r.stdout.trim());
    // Ten classes: chance is 10 %; even this small run must clearly beat it.
    assert.ok(accuracy > 30, `test accuracy ${accuracy} %\n${r.stdout}`);
    const model = JSON.parse(readFileSync(join(dir, 'out', 'model', 'model.json'), 'utf8'));
    assert.equal(model.test_accuracy.toFixed(2), accuracy.toFixed(2));
    assert.ok(existsSync(join(dir, 'out', 'model', 'model.safetensors')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
