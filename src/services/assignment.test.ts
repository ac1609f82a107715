import { describe, expect, it } from "vitest";
import { assignVariant, bucketFor, fnv1a32, hashToUnit, variantForBucket } from "./assignment.ts";

describe("fnv1a32", () => {
  // Reference values of the FNV-1a 32-bit test suite (Fowler/Noll/Vo, isthe.com/chongo/tech/comp/fnv).
  it.each([
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["ab", 0x4d2505ca],
    ["foobar", 0xbf9cf968],
  ])("hashes %j like the reference", (input, expected) => {
    expect(fnv1a32(input)).toBe(expected);
  });
});

describe("hashToUnit", () => {
  // GrowthBook's hash v2 vectors, verbatim from growthbook/growthbook
  // packages/sdk-js/test/cases.json ("hash" section: [seed, value, version 2, expected]).
  it.each([
    ["seed", "a", 0.0505],
    ["seed", "b", 0.2696],
    ["foo", "ab", 0.2575],
    ["foo", "def", 0.2019],
    ["89123klj", "8952klfjas09ujkasdf", 0.124],
    ["90850943850283058242805", "123", 0.7516],
    ["()**(%$##$%#$#", '___)((*":&', 0.0128],
  ])("seed %j value %j gives %d", (seed, value, expected) => {
    expect(hashToUnit(seed, value)).toBe(expected);
  });
});

describe("bucketFor", () => {
  // Pinned forever: these users must stay in these buckets across releases.
  it("pins concrete buckets", () => {
    expect([
      bucketFor("system_prompt_style", "user-1"),
      bucketFor("system_prompt_style", "user-2"),
      bucketFor("system_prompt_style", "user-3"),
      bucketFor("checkout_copy", "user-1"),
    ]).toMatchInlineSnapshot(`
      [
        19,
        97,
        52,
        19,
      ]
    `);
  });
});

describe("assignVariant", () => {
  const variants = [
    { key: "concise", allocation: 50, isControl: true },
    { key: "detailed", allocation: 50, isControl: false },
  ];

  it("splits 100,000 synthetic users within 1% of each allocation", () => {
    for (const allocations of [
      [50, 50],
      [10, 90],
      [20, 30, 50],
    ]) {
      const vs = allocations.map((allocation, i) => ({ key: `v${i}`, allocation, isControl: i === 0 }));
      const counts = new Map<string, number>();
      const users = 100_000;
      for (let i = 0; i < users; i++) {
        const { variant } = assignVariant({ key: "dist_check", running: true, killed: false, variants: vs }, `user-${i}`);
        counts.set(variant.key, (counts.get(variant.key) ?? 0) + 1);
      }
      vs.forEach((v) => {
        const share = ((counts.get(v.key) ?? 0) / users) * 100;
        expect(Math.abs(share - v.allocation), `${v.key} of ${allocations.join("/")}`).toBeLessThan(1);
      });
    }
  });

  it("is deterministic per user", () => {
    const experiment = { key: "system_prompt_style", running: true, killed: false, variants };
    for (let i = 0; i < 100; i++) {
      expect(assignVariant(experiment, `u${i}`).variant.key).toBe(assignVariant(experiment, `u${i}`).variant.key);
    }
  });

  it("sends everyone to control when killed or not running", () => {
    for (let i = 0; i < 200; i++) {
      expect(assignVariant({ key: "e", running: true, killed: true, variants }, `u${i}`)).toMatchObject({
        variant: { key: "concise" },
        reason: "killed",
      });
      expect(assignVariant({ key: "e", running: false, killed: false, variants }, `u${i}`).variant.key).toBe("concise");
    }
  });

  it("maps buckets by cumulative allocation", () => {
    expect(variantForBucket(variants, 0).key).toBe("concise");
    expect(variantForBucket(variants, 49).key).toBe("concise");
    expect(variantForBucket(variants, 50).key).toBe("detailed");
    expect(variantForBucket(variants, 99).key).toBe("detailed");
  });
});
