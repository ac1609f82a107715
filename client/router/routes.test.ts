import { describe, expect, it } from "vitest";
import { paths, routeFor } from "./routes.ts";

describe("routeFor", () => {
  it("maps every path to a screen", () => {
    const id = "0b9c3a1e-7d0f-4c1e-9a59-2f1f6f0f5a10";
    expect(routeFor("/")).toEqual({ name: "chat", conversationId: null });
    expect(routeFor(paths.conversation(id))).toEqual({ name: "chat", conversationId: id });
    expect(routeFor("/experiments/")).toEqual({ name: "experiments" });
    expect(routeFor("/admin/prompts")).toEqual({ name: "admin" });
    expect(routeFor("/c/not-a-uuid")).toEqual({ name: "not-found" });
  });
});
