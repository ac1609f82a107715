import { describe, expect, it } from "vitest";
import { inRollout } from "./assignment.ts";
import type { ActiveExperiment, ActivePromptVersion } from "./experiment-config.ts";
import { canarySeed, serveExperiment } from "./served-version.ts";

const version = (id: string, n: number): ActivePromptVersion => ({ id, version: n, systemPrompt: `prompt ${n}`, model: "m", parameters: {} });
const CANARY_ID = "00000000-0000-4000-8000-0000000000c1";
const users = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);

function experiment(overrides: Partial<ActiveExperiment> = {}, canaryPercent = 10): ActiveExperiment {
  return {
    id: "e",
    key: "canary_check",
    name: "e",
    status: "running",
    killed: false,
    shippedVariantKey: null,
    version: 1,
    variants: [
      { id: "c", key: "control", allocation: 50, isControl: true, promptVersion: version("c1", 1), canary: null },
      {
        id: "t",
        key: "treatment",
        allocation: 50,
        isControl: false,
        promptVersion: version("t1", 1),
        canary: { promptVersion: version(CANARY_ID, 2), percent: canaryPercent },
      },
    ],
    ...overrides,
  };
}

describe("inRollout", () => {
  it("keeps every user of a smaller percent inside every larger one (sticky ramps)", () => {
    const steps = [1, 10, 50, 100];
    const inside = steps.map((percent) => new Set(users.filter((user) => inRollout(canarySeed(CANARY_ID), user, percent))));
    for (let i = 1; i < steps.length; i++) {
      for (const user of inside[i - 1]!) expect(inside[i]!.has(user)).toBe(true);
    }
    steps.forEach((percent, i) => expect(Math.abs((inside[i]!.size / users.length) * 100 - percent)).toBeLessThan(0.6));
    expect(users.filter((user) => inRollout("any", user, 0))).toHaveLength(0);
  });
});

describe("serveExperiment", () => {
  it("serves the canary to its percent of the variant's users, independently of the variant pick", () => {
    for (const percent of [1, 10, 50]) {
      const served = users.map((user) => serveExperiment(experiment({}, percent), user));
      const treatment = served.filter((s) => s.variant.key === "treatment");
      const canary = treatment.filter((s) => s.canary);
      expect(canary.every((s) => s.promptVersion?.id === CANARY_ID)).toBe(true);
      // The slice has its own seed: within treatment it is still `percent` of users, not skewed by the pick.
      expect(Math.abs((canary.length / treatment.length) * 100 - percent)).toBeLessThan(percent < 10 ? 0.5 : 1.5);
      expect(served.filter((s) => s.variant.key === "control").every((s) => !s.canary && s.promptVersion?.id === "c1")).toBe(true);
    }
  });

  it("serves control's stable version while killed, paused or draft, and the shipped variant's canary once completed", () => {
    const inCanary = users.find((user) => {
      const s = serveExperiment(experiment({}, 50), user);
      return s.variant.key === "treatment" && s.canary;
    })!;
    for (const held of [{ killed: true }, { status: "paused" as const }, { status: "draft" as const }]) {
      expect(serveExperiment(experiment(held, 50), inCanary)).toMatchObject({ variant: { key: "control" }, canary: false, promptVersion: { id: "c1" } });
    }
    const shipped = experiment({ status: "completed", shippedVariantKey: "treatment" }, 50);
    expect(serveExperiment(shipped, inCanary)).toMatchObject({ variant: { key: "treatment" }, canary: true, reason: "shipped" });
    const shares = users.map((user) => serveExperiment(shipped, user).variant.key);
    expect(new Set(shares)).toEqual(new Set(["treatment"]));
  });
});
