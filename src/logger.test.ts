import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { redactPaths } from "./logger.ts";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: pino({ redact: { paths: redactPaths, censor: "[redacted]" } }, stream), lines };
}

describe("log redaction", () => {
  it("never writes API keys, prompts or message text", () => {
    const { log, lines } = capture();
    log.info(
      {
        headers: { "x-api-key": "test-key-123", authorization: "Bearer pl_secret" },
        apiKey: "pl_secret2",
        content: "user secret text",
        systemPrompt: "secret prompt",
        messages: [{ role: "user", content: "secret turn" }],
        nested: { content: "nested secret" },
        pre_estimated_tokens: 42,
      },
      "chat started",
    );
    const line = lines.join("");
    for (const secret of ["test-key-123", "pl_secret", "user secret text", "secret prompt", "secret turn", "nested secret"]) {
      expect(line).not.toContain(secret);
    }
    expect(JSON.parse(line)).toMatchObject({ pre_estimated_tokens: 42, msg: "chat started" });
  });
});
