import { engine, ENGINE_FIX } from '../engine/binding.js';
import type { DoctorProbe } from './doctor.js';
import { defaultThreads } from '../util/threads.js';

/** The threads naskit trains on, or what is wrong with NASKIT_THREADS. */
function threadsText(): string {
  try {
    return `naskit trains on ${defaultThreads(process.env)} intra-op threads: NASKIT_THREADS, else every core`;
  } catch (e) {
    return (e as Error).message;
  }
}

/** `naskit doctor`'s line for the tensor engine: whether the addon loads, libtorch's version and threads. */
export const engineProbe: DoctorProbe = () => {
  try {
    const native = engine();
    return [
      { name: 'engine libtorch', ok: true, detail: `libtorch ${native.version()} (${threadsText()}; libtorch's own default here is ${native.getNumThreads()})`, fix: null },
      // Not a failure either way: without fast calls small ops take the Node-API path, a little slower.
      { name: 'engine fast calls', ok: true, detail: `V8 fast API calls for small ops: ${native.fastCallsNote}`, fix: null },
    ];
  } catch (error) {
    const why = error instanceof Error ? error.message.split(';')[0] : String(error);
    return [{ name: 'engine libtorch', ok: false, detail: `${why} (naskit train and one-shot search need it)`, fix: ENGINE_FIX }];
  }
};
