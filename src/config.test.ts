import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, usesSimulator } from "./config.ts";

describe("parseConfig", () => {
  it("gives the embedded defaults for an empty environment", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ PORT: 8000, RATE_LIMIT_PER_HOUR: 100 });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(usesSimulator(config)).toBe(true);
  });

  it("treats empty strings as unset", () => {
    const config = parseConfig({ DATABASE_URL: "", REDIS_URL: " ", OPENAI_API_KEY: "" });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(usesSimulator(config)).toBe(true);
  });

  it("uses the real provider when a key or base URL is set", () => {
    expect(usesSimulator(parseConfig({ OPENAI_API_KEY: "sk-x" }))).toBe(false);
    expect(usesSimulator(parseConfig({ LLM_BASE_URL: "http://127.0.0.1:11434/v1" }))).toBe(false);
  });

  it("lists every bad field at once", () => {
    let caught: unknown;
    try {
      parseConfig({ PORT: "eighty", DATABASE_URL: "mysql://x", RATE_LIMIT_PER_HOUR: "-1", LOG_LEVEL: "loud" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const issues = (caught as ConfigError).issues.map((issue) => issue.split(":")[0]);
    expect(issues.sort()).toEqual(["DATABASE_URL", "LOG_LEVEL", "PORT", "RATE_LIMIT_PER_HOUR"]);
  });

  it("splits the CORS allow-list", () => {
    expect(parseConfig({ CORS_ORIGINS: "https://a.example, https://b.example" }).CORS_ORIGINS).toEqual([
      "https://a.example",
      "https://b.example",
    ]);
  });
});
