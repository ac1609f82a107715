import os from "node:os";
import { describe, expect, it } from "vitest";
import { MAX_WORKERS, readSidecarConfig } from "./config.ts";

describe("readSidecarConfig", () => {
  it("defaults to port 3001 on loopback with one worker per core", () => {
    expect(readSidecarConfig({})).toEqual({ port: 3001, host: "127.0.0.1", workers: os.availableParallelism() });
  });

  it("reads every variable", () => {
    expect(readSidecarConfig({ SIDECAR_PORT: "0", SIDECAR_HOST: "0.0.0.0", SIDECAR_WORKERS: "3" })).toEqual({
      port: 0,
      host: "0.0.0.0",
      workers: 3,
    });
  });

  it("treats empty values as unset", () => {
    expect(readSidecarConfig({ SIDECAR_PORT: "", SIDECAR_WORKERS: "" }).port).toBe(3001);
    expect(readSidecarConfig({ SIDECAR_WORKERS: "" }).workers).toBe(os.availableParallelism());
  });

  it.each(["0", "-1", "1.5", "two", String(MAX_WORKERS + 1)])("rejects SIDECAR_WORKERS=%s by name and value", (raw) => {
    expect(() => readSidecarConfig({ SIDECAR_WORKERS: raw })).toThrow(`SIDECAR_WORKERS must be an integer in 1..${MAX_WORKERS}, got "${raw}"`);
  });

  it.each(["65536", "-1", "http"])("rejects SIDECAR_PORT=%s by name and value", (raw) => {
    expect(() => readSidecarConfig({ SIDECAR_PORT: raw })).toThrow(`SIDECAR_PORT must be an integer in 0..65535, got "${raw}"`);
  });
});
