// Vite builds the React client in client/ into dist/client, which the server
// serves on its own port. Vitest (the `test` block) runs the server, sidecar and
// benchmark tests from the repository root against real PostgreSQL and Redis.
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const rootDir = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: "client",
  plugins: [react()],
  build: {
    outDir: "../dist/client",
    emptyOutDir: true,
  },
  server: {
    port: 5173,
    proxy: {
      "/trpc": "http://localhost:8000",
      "/chat": "http://localhost:8000",
      "/feedback": "http://localhost:8000",
      "/health": "http://localhost:8000",
    },
  },
  test: {
    dir: rootDir,
    root: rootDir,
    include: ["src/**/*.test.ts", "sidecar/**/*.test.ts", "bench/**/*.test.ts", "scripts/**/*.test.ts", "client/**/*.test.ts"],
    exclude: ["client/e2e/**", "node_modules/**"],
    globalSetup: ["src/testing/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
