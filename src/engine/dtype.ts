/** Element types of tensors. `int64` is libtorch's index type; JS reads it back as int32. */
export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool' | 'uint8';

/** Dtypes in the order of their native codes (native/src/handle.cc `DtypeCode`). */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'bool', 'uint8'];

/** The native code of a dtype; throws `TypeError` naming the valid dtypes. */
export function dtypeCode(dtype: DType): number {
  const code = DTYPES.indexOf(dtype);
  if (code < 0) throw new TypeError(`unknown dtype ${JSON.stringify(dtype)}; valid: ${DTYPES.join(', ')}`);
  return code;
}

/** Whether values of this dtype are floating point (and so can carry gradients). */
export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}
