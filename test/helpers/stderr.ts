// What code writes on stderr while it runs (deprecation lines, warnings), for tests that assert it.

/** Replaces process.stderr.write with a collector until `restore` is called. */
function collect(): { text: () => string; restore: () => void } {
  const write = process.stderr.write.bind(process.stderr);
  let text = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  return { text: () => text, restore: () => void (process.stderr.write = write) };
}

/** Runs `fn`, returning its result and what it wrote on stderr meanwhile. */
export function captureStderr<T>(fn: () => T): { result: T; text: string } {
  const c = collect();
  try {
    const result = fn();
    return { result, text: c.text() };
  } finally {
    c.restore();
  }
}

/** Awaits `fn`, returning its result and what it wrote on stderr meanwhile. */
export async function captureStderrAsync<T>(fn: () => T | Promise<T>): Promise<{ result: T; text: string }> {
  const c = collect();
  try {
    const result = await fn();
    return { result, text: c.text() };
  } finally {
    c.restore();
  }
}
