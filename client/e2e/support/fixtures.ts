// The specs' `test`: the running server as baseURL, a PostgreSQL client for
// checking what was stored, and helpers for signing in and screenshots.
import { test as base, expect, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { e2eEnv } from "./e2e-env.ts";

const SCREENSHOT_DIR = fileURLToPath(new URL("../../../test-results/screenshots", import.meta.url));

export const test = base.extend<{ db: pg.Client }>({
  baseURL: async ({}, use) => {
    await use(e2eEnv("baseUrl"));
  },
  db: async ({}, use) => {
    const client = new pg.Client({ connectionString: e2eEnv("databaseUrl") });
    await client.connect();
    await use(client);
    await client.end();
  },
});

export { expect };

export async function signIn(page: Page, key: string): Promise<void> {
  await page.goto("/");
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

export function messageBox(page: Page) {
  return page.getByRole("textbox", { name: "Message" });
}

/** Sends a chat from the message box and returns the answer's article. */
export async function sendMessage(page: Page, text: string) {
  const before = await page.getByRole("article", { name: "Answer" }).count();
  await messageBox(page).fill(text);
  await messageBox(page).press("Enter");
  return page.getByRole("article", { name: "Answer" }).nth(before);
}

/** Saved as a test artefact under test-results/screenshots/. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Finishes transitions (the phone drawer slides) so the picture shows the settled layout.
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), animations: "disabled" });
}

/**
 * The whole screen, not just the viewport: the page scrolls inside <main>, so
 * the viewport is stretched to the content's height for the picture, then put back.
 */
export async function saveFullScreenshot(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  const height = await page.evaluate(() => {
    const header = document.querySelector(".app-header")?.getBoundingClientRect().height ?? 0;
    const main = document.querySelector("main");
    return Math.ceil(header + (main?.scrollHeight ?? document.body.scrollHeight));
  });
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height) });
  await saveScreenshot(page, name);
  await page.setViewportSize(viewport);
}

export interface StoredMessage {
  id: string;
  status: "complete" | "incomplete" | "error";
  content: string;
  variant: string | null;
  tokens_in: number;
  tokens_out: number;
  latency_ms: number;
  time_to_first_token_ms: number | null;
  cost_usd: string | null;
}

/** The stored assistant message, waiting briefly for it (Stop stores it a moment after the click). */
export async function storedMessage(db: pg.Client, id: string): Promise<StoredMessage> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const { rows } = await db.query<StoredMessage>(
      `SELECT id, status, content, variant, tokens_in, tokens_out, latency_ms, time_to_first_token_ms, cost_usd::text AS cost_usd
         FROM messages WHERE id = $1`,
      [id],
    );
    if (rows[0]) return rows[0];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`message ${id} was never stored`);
}
