/** Old spellings of options: still accepted, with one deprecation line each. */
import { ConfigError } from '../errors.js';

/**
 * Old spellings an options object still accepts: `names` maps an old option name to its new one,
 * `values` an option's old value to its new one (e.g. bananas' `acquisition: its` → `thompson`).
 */
export interface Deprecations {
  readonly names?: Readonly<Record<string, string>>;
  readonly values?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Deprecation lines already printed in this process: each old spelling is named once. */
const warned = new Set<string>();

/** Prints one line on stderr, once per process and `key`. */
function warnOnce(key: string, line: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  process.stderr.write(`naskit: ${line}\n`);
}

/**
 * `options` with every deprecated spelling replaced by its new one; each old spelling prints one
 * deprecation line on stderr (once per process) naming the new one. An option given under both its
 * old and its new name is a `ConfigError`, since either choice could silently drop a value.
 * `where` names the owner in messages (`ppo`, `estimator`, ...); `code` is the conflict's error code.
 */
export function renameDeprecated(where: string, options: Readonly<Record<string, unknown>>, deprecated: Deprecations, code = 'BAD_STRATEGY_OPTION'): Record<string, unknown> {
  const out: Record<string, unknown> = { ...options };
  for (const [old, name] of Object.entries(deprecated.names ?? {})) {
    if (!(old in out)) continue;
    if (name in out) throw new ConfigError(code, `${where}: options ${JSON.stringify(old)} and ${JSON.stringify(name)} are the same option (${old} is its old name); give only ${name}`);
    warnOnce(`${where}.${old}`, `${where}: option ${JSON.stringify(old)} is deprecated; use ${JSON.stringify(name)}`);
    out[name] = out[old];
    delete out[old];
  }
  for (const [option, map] of Object.entries(deprecated.values ?? {})) {
    const value = out[option];
    if (typeof value !== 'string' || !Object.hasOwn(map, value)) continue;
    warnOnce(`${where}.${option}=${value}`, `${where}: ${option} ${JSON.stringify(value)} is deprecated; use ${JSON.stringify(map[value])}`);
    out[option] = map[value];
  }
  return out;
}
