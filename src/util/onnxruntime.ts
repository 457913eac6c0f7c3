/**
 * The one place that loads `onnxruntime-node` (ONNX models: the NAS-Bench-301 surrogate, exported
 * networks). It is loaded on first use, so the core of naskit installs and runs without it.
 */
import type * as OnnxRuntime from 'onnxruntime-node';
import { NaskitError } from '../errors.js';

export type { OnnxRuntime };

let loaded: Promise<typeof OnnxRuntime> | undefined;

/**
 * Resolves to the `onnxruntime-node` module. Rejects with a `NaskitError` of code
 * `ONNXRUNTIME_MISSING` when the package cannot be loaded, saying how to install it.
 */
export function loadOnnxRuntime(): Promise<typeof OnnxRuntime> {
  loaded ??= import('onnxruntime-node').then(
    // Under NodeNext a CommonJS package's exports arrive on `default` as well; prefer the named ones.
    (module) => ((module as unknown as { default?: typeof OnnxRuntime }).default ?? module) as typeof OnnxRuntime,
    (cause: unknown) => {
      loaded = undefined;
      throw new NaskitError(
        'ONNXRUNTIME_MISSING',
        'onnxruntime-node could not be loaded: run `npm install onnxruntime-node` in the project ' +
          '(with `onnxruntime-node-install=skip` in .npmrc, which skips its GPU download)',
        { cause },
      );
    },
  );
  return loaded;
}
