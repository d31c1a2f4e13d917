type Column = BigUint64Array | Float64Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

/** A copy of a typed-array column with room for `length` elements (the rest zero). */
export function grownColumn<T extends Column>(values: T, length: number): T {
  const copy = new (values.constructor as new (length: number) => T)(length);
  copy.set(values as never);
  return copy;
}
