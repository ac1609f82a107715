import { describe, expect, it } from "vitest";
import { paths, routeFor } from "./routes.ts";

const id = "0b9c3a1e-7d0f-4c1e-9a59-2f1f6f0f5a10";
const other = "5d1f9a33-0c55-4f0b-8d9e-0a5f3c2b1e77";

describe("routeFor", () => {
  it("maps every path to a screen", () => {
    expect(routeFor("/")).toEqual({ name: "chat", conversationId: null });
    expect(routeFor(paths.conversation(id))).toEqual({ name: "chat", conversationId: id });
    expect(routeFor("/experiments/")).toEqual({ name: "experiments" });
    expect(routeFor(paths.results("system_prompt_style"))).toEqual({ name: "results", experimentKey: "system_prompt_style" });
    expect(routeFor("/admin/")).toEqual({ name: "admin-experiments" });
    expect(routeFor(paths.adminExperiment(id))).toEqual({ name: "admin-experiment", experimentId: id });
    expect(routeFor(paths.adminVariant(id, other))).toEqual({ name: "admin-variant", experimentId: id, variantId: other });
    expect(routeFor(paths.adminMessage(other))).toEqual({ name: "admin-message", messageId: other });
    expect(routeFor("/c/not-a-uuid")).toEqual({ name: "not-found" });
    expect(routeFor("/admin/prompts")).toEqual({ name: "not-found" });
  });

  it("reads the audit log's experiment filter from the query string", () => {
    expect(routeFor(paths.adminAudit(id))).toEqual({ name: "admin-audit", experimentId: id });
    expect(routeFor(paths.adminAudit())).toEqual({ name: "admin-audit", experimentId: null });
    expect(routeFor("/admin/audit?experiment=nonsense")).toEqual({ name: "admin-audit", experimentId: null });
  });

  it("round-trips experiment keys that need escaping", () => {
    expect(routeFor(paths.results("a b"))).toEqual({ name: "results", experimentKey: "a b" });
    expect(routeFor("/experiments/%E0%A4%A")).toEqual({ name: "not-found" });
  });
});
