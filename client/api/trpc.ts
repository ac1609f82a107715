// The typed tRPC hooks. Only the router's *type* crosses from the server, so
// no server code can reach the bundle.
import { createTRPCReact } from "@trpc/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../src/trpc/router.ts";

export const trpc = createTRPCReact<AppRouter>();

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type Me = RouterOutputs["me"];
export type HistoryMessage = RouterOutputs["conversations"]["messages"]["messages"][number];
export type ExperimentStats = RouterOutputs["feedback"]["stats"][number];
export type VariantStats = ExperimentStats["variants"][number];
export type ExperimentSummary = RouterOutputs["experiments"]["list"][number];
export type Rating = 1 | -1;
