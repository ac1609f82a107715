// Model names on the OpenAI-compatible gateway. `promptlab/<experiment key>`
// runs the request through that experiment (its variants supply the system
// prompt, model and parameters); any other name is a provider model served
// as asked, with no experiment, yet still logged, rate-limited and costed.
import type { Db } from "../db.ts";
import type { ChatTarget } from "./chat.ts";

export const EXPERIMENT_MODEL_PREFIX = "promptlab/";

export interface GatewayModel {
  id: string;
  /** Unix seconds; 0 when unknown (a provider's model). */
  created: number;
  ownedBy: string;
}

export function experimentModelName(experimentKey: string): string {
  return `${EXPERIMENT_MODEL_PREFIX}${experimentKey}`;
}

export function resolveModelName(model: string): ChatTarget {
  return model.startsWith(EXPERIMENT_MODEL_PREFIX)
    ? { experiment: model.slice(EXPERIMENT_MODEL_PREFIX.length) }
    : { passthroughModel: model };
}

/** Every experiment as `promptlab/<key>`, then the configured default provider model. */
export async function listGatewayModels(db: Db, defaultModel: string, providerName: string): Promise<GatewayModel[]> {
  const experiments = await db.experiment.findMany({
    orderBy: { createdAt: "asc" },
    select: { key: true, createdAt: true },
  });
  return [
    ...experiments.map((experiment) => ({
      id: experimentModelName(experiment.key),
      created: Math.floor(experiment.createdAt.getTime() / 1000),
      ownedBy: "promptlab",
    })),
    { id: defaultModel, created: 0, ownedBy: providerName },
  ];
}
