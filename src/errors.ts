/**
 * naskit's error classes. A handful of subclasses of {@link NaskitError}, each with a stable `code`
 * that tests and callers match on (never the message text). Messages say what was wrong, where,
 * and what to do. Argument misuse by a programmer uses the built-in `TypeError` / `RangeError`.
 */
export class NaskitError extends Error {
  /** Stable machine-readable code, e.g. `SAMPLE_INVALID`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A configuration file or option that does not validate. */
export class ConfigError extends NaskitError {}

/** An architecture sample that is not in its space (bad value, missing label, malformed string). */
export class SampleError extends NaskitError {
  /** The label or part of the sample at fault (e.g. `edge_2_1`), when known. */
  readonly path: string | null;
  constructor(code: string, message: string, path: string | null = null, options?: { cause?: unknown }) {
    super(code, message, options);
    this.path = path;
  }
}

/** Storage that cannot be reached, is of a newer schema, or failed a write. */
export class StorageError extends NaskitError {}

/** A trial operation that its current state forbids (e.g. completing a finished trial). */
export class TrialStateError extends NaskitError {}

/** A data file that is missing, corrupt or of an unexpected shape. */
export class DataError extends NaskitError {}

/**
 * Work that needs more of the machine than it may use: a training run whose estimated peak memory
 * exceeds the limit (`MEMORY_LIMIT`). `details` holds the figures (estimate, limit, batch) as
 * numbers, which a failed trial records beside the code.
 */
export class ResourceError extends NaskitError {
  readonly details: Readonly<Record<string, number>>;
  constructor(code: string, message: string, details: Readonly<Record<string, number>> = {}, options?: { cause?: unknown }) {
    super(code, message, options);
    this.details = details;
  }
}

/** An error raised by the native tensor engine, or the engine being absent. */
export class NativeError extends NaskitError {}
