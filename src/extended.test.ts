// extended() is there because the spread it replaces makes a hidden class per
// call in Node 20 once the code is hot; V8's %HaveSameMap (see
// testing/hidden-class.ts) tells the two apart.
import { describe, expect, it } from "vitest";
import { extended } from "./extended.ts";
import { madeWithSameHiddenClass } from "./testing/hidden-class.ts";

const setup = `import { extended } from "./src/extended.ts";
  const base = { "x-ratelimit-limit": "100", "x-ratelimit-remaining": "99" };`;

describe("extended", () => {
  it("makes objects that share a hidden class, where a spread that adds a key does not", async () => {
    expect(await madeWithSameHiddenClass(setup, `extended(base, { "x-request-id": String(i) })`)).toBe(true);
    expect(await madeWithSameHiddenClass(setup, `({ ...base, "x-request-id": String(i) })`)).toBe(false);
  });

  it("has every key, later ones winning, and leaves its arguments alone", () => {
    const base = { a: 1, b: 2 };
    const result = extended(base, { b: 3, c: 4 }, { c: 5 });
    expect(result).toEqual({ a: 1, b: 3, c: 5 });
    expect(base).toEqual({ a: 1, b: 2 });
  });
});
