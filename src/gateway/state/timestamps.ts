// Nanosecond timestamps exceed 2^53, so neither JSON numbers nor Lua doubles can hold them. They are
// stored as fixed-width decimal strings, which compare correctly as strings (also in Lua).

const WIDTH = 20; // 2^64 - 1 has 20 digits

export function nanosToSortableString(nanos: bigint): string {
  if (nanos < 0n) throw new RangeError('negative timestamp');
  return nanos.toString().padStart(WIDTH, '0');
}

export function sortableStringToNanos(value: string): bigint {
  return BigInt(value);
}
