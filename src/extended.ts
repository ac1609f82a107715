// An object with more keys, for code that runs once per chat or more. In
// Node 20 (V8 11.3) the literal `{ ...base, key }` gets hidden classes of its
// own on every call when `key` is not already in `base`: Maps allocated in
// the old generation, dead at once, whose young descriptor arrays the
// scavenger then keeps and promotes (docs/BENCHMARKS.md, item 39).
// Object.assign onto a fresh object reuses the cached transitions. Later
// keys win, as in the spread.
export function extended<Base extends object, Extra extends object>(base: Base, extra: Extra): Base & Extra;
export function extended<Base extends object, Extra extends object, More extends object>(base: Base, extra: Extra, more: More): Base & Extra & More;
export function extended(base: object, ...extras: object[]): object {
  return Object.assign({}, base, ...extras);
}
