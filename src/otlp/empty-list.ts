/**
 * One frozen empty array, the initial value of lists that are mostly empty (the repeated fields of a
 * decoded message, the new facts of a session commit): one shared object instead of a new `[]` each
 * time, and a push into `[]` would reserve 17 slots. appended() replaces it on the first element. A
 * caller that pushes into it directly gets a TypeError instead of writing into every list.
 */
export const NONE: never[] = Object.freeze([]) as unknown as never[];

/** `list` with `item` added: the same array, or a new one-element array when `list` is NONE. */
export function appended<T>(list: T[], item: T): T[] {
  if (list === NONE) return [item];
  list.push(item);
  return list;
}
