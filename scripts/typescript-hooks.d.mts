import type { LoadHook } from "node:module";

export declare const load: LoadHook;
