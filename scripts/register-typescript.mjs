// `node --import ./scripts/register-typescript.mjs src/index.ts`: how the
// server and the sidecar run (typescript-hooks.mjs says why not tsx). Stack
// traces point into the .ts files through the inline source maps.
import { register } from "node:module";

process.setSourceMapsEnabled(true);
register("./typescript-hooks.mjs", import.meta.url);
