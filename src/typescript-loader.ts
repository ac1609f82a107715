// How PromptLab starts its own code in a child process: node with the module
// hooks `npm start` uses (scripts/typescript-hooks.mjs says why not tsx), so
// the sidecar, the benchmarks' processes and the tests' servers run exactly
// what production runs.
export const TYPESCRIPT_IMPORT: readonly string[] = ["--import", new URL("../scripts/register-typescript.mjs", import.meta.url).href];
