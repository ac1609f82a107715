import { describe, expect, it } from "vitest";
import { describeBreaches, evaluateGuardrails, GUARDRAIL_DEFAULTS, guardrailConfigOf, type ArmFigures } from "./guardrails.ts";

const arm = (overrides: Partial<ArmFigures> = {}): ArmFigures => ({
  messages: 1_000,
  errors: 0,
  feedback: 200,
  thumbsUp: 160,
  p95LatencyMs: 1_000,
  ...overrides,
});
const statusOf = (verdict: ReturnType<typeof evaluateGuardrails>, metric: string) =>
  verdict.findings.find((finding) => finding.metric === metric)!.status;

describe("guardrailConfigOf", () => {
  it("fills defaults around what was set, and falls back to defaults for unreadable JSON", () => {
    expect(guardrailConfigOf(null)).toEqual(GUARDRAIL_DEFAULTS);
    expect(guardrailConfigOf({ maxApprovalDrop: 0.2 })).toEqual({ ...GUARDRAIL_DEFAULTS, maxApprovalDrop: 0.2 });
    expect(guardrailConfigOf({ maxApprovalDrop: "lots" })).toEqual(GUARDRAIL_DEFAULTS);
    expect(GUARDRAIL_DEFAULTS.maxApprovalDrop).toBe(0.1);
  });
});

describe("evaluateGuardrails", () => {
  const config = GUARDRAIL_DEFAULTS;

  it("breaches approval only below the baseline by more than the relative threshold", () => {
    // Baseline 0.80: the limit is 0.72.
    expect(statusOf(evaluateGuardrails(config, arm({ thumbsUp: 145 }), arm()), "approval_rate")).toBe("ok"); // 0.725
    const verdict = evaluateGuardrails(config, arm({ thumbsUp: 143 }), arm()); // 0.715
    expect(statusOf(verdict, "approval_rate")).toBe("breach");
    expect(verdict.breached).toBe(true);
    expect(verdict.findings[0]).toMatchObject({ value: 0.715, baseline: 0.8, sample: 200, minSample: 100 });
    expect(verdict.findings[0]!.limit).toBeCloseTo(0.72);
    expect(describeBreaches(verdict.findings)).toBe("approval_rate 0.715 < limit 0.72 (baseline 0.8)");
  });

  it("does not judge approval until both arms have the minimum sample", () => {
    expect(statusOf(evaluateGuardrails(config, arm({ feedback: 99, thumbsUp: 0 }), arm()), "approval_rate")).toBe("insufficient_data");
    expect(statusOf(evaluateGuardrails(config, arm({ thumbsUp: 0 }), arm({ feedback: 99, thumbsUp: 99 })), "approval_rate")).toBe("insufficient_data");
    expect(statusOf(evaluateGuardrails(config, arm({ thumbsUp: 0 }), null), "approval_rate")).toBe("insufficient_data");
    expect(evaluateGuardrails(config, arm({ feedback: 0, thumbsUp: 0 }), arm()).breached).toBe(false);
  });

  it("breaches the error rate and p95 latency above their limits once enough answers exist", () => {
    expect(statusOf(evaluateGuardrails(config, arm({ errors: 50 }), arm()), "error_rate")).toBe("ok"); // exactly 5%
    expect(statusOf(evaluateGuardrails(config, arm({ errors: 51 }), arm()), "error_rate")).toBe("breach");
    expect(statusOf(evaluateGuardrails(config, arm({ messages: 49, errors: 49 }), arm()), "error_rate")).toBe("insufficient_data");
    expect(statusOf(evaluateGuardrails(config, arm({ p95LatencyMs: 20_001 }), arm()), "p95_latency_ms")).toBe("breach");
    expect(statusOf(evaluateGuardrails(config, arm({ p95LatencyMs: 20_000 }), arm()), "p95_latency_ms")).toBe("ok");
    expect(statusOf(evaluateGuardrails(config, arm({ p95LatencyMs: null }), arm()), "p95_latency_ms")).toBe("insufficient_data");
  });
});
