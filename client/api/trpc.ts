// The typed tRPC hooks. Only the router's *type* crosses from the server, so
// no server code can reach the bundle.
import { createTRPCReact } from "@trpc/react-query";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../src/trpc/router.ts";

export const trpc = createTRPCReact<AppRouter>();

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type Me = RouterOutputs["me"];
export type HistoryMessage = RouterOutputs["conversations"]["messages"]["messages"][number];
export type ExperimentStats = RouterOutputs["feedback"]["stats"][number];
export type VariantStats = ExperimentStats["variants"][number];
export type ExperimentSummary = RouterOutputs["experiments"]["list"][number];
export type Rating = 1 | -1;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type ExperimentResults = RouterOutputs["experiments"]["results"];
export type ResultsVariant = ExperimentResults["variants"][number];
export type Granularity = ExperimentResults["time_series"]["granularity"];
export type TimeSeriesPoint = ExperimentResults["time_series"]["variants"][number]["points"][number];
export type AdminExperimentSummary = RouterOutputs["admin"]["experiments"]["list"][number];
export type AdminExperimentDetail = RouterOutputs["admin"]["experiments"]["get"];
export type AdminVariant = AdminExperimentDetail["variants"][number];
export type PromptVersion = RouterOutputs["admin"]["prompts"]["versions"][number];
export type AuditEntry = RouterOutputs["admin"]["audit"]["search"]["entries"][number];
