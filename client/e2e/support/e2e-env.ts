// What the global setup hands to the specs, through environment variables
// (Playwright starts its workers after the setup, so they inherit them).
export const E2E_ENV = {
  baseUrl: "E2E_BASE_URL",
  databaseUrl: "E2E_DATABASE_URL",
  userKey: "E2E_USER_KEY",
  limitedUserKey: "E2E_LIMITED_USER_KEY",
  adminKey: "E2E_ADMIN_KEY",
  upstreamControlUrl: "E2E_UPSTREAM_CONTROL_URL",
} as const;

export function e2eEnv(name: keyof typeof E2E_ENV): string {
  const value = process.env[E2E_ENV[name]];
  if (!value) throw new Error(`${E2E_ENV[name]} is not set: run the specs with \`npm run test:e2e\`, which starts the server.`);
  return value;
}

/** The fake upstream's answer: 24 chunks, 60 ms apart, so streaming is visible. */
export const ANSWER_CHUNKS = 24;
export const ANSWER_CHUNK_DELAY_MS = 60;
export const answerChunk = (index: number) => (index === 0 ? "Streaming" : ` word${index}`);
export const FULL_ANSWER = Array.from({ length: ANSWER_CHUNKS }, (_, i) => answerChunk(i)).join("");
