// The new-experiment form's state and the admin.experiments.create input it
// becomes. Numbers stay text while typed; an empty optional number is left out
// (the server's default applies), anything else goes as typed so the server's
// validation names the field that is wrong.
import type { RouterInputs } from "../api/trpc.ts";

export type CreateExperimentInput = RouterInputs["admin"]["experiments"]["create"];

export interface VariantDraft {
  key: string;
  allocation: string;
  systemPrompt: string;
  model: string;
  temperature: string;
  maxTokens: string;
}

export interface ExperimentDraft {
  key: string;
  name: string;
  description: string;
  controlIndex: number;
  variants: VariantDraft[];
}

export const DEFAULT_MODEL = "gpt-4o-mini";

export function blankVariant(key: string, allocation: number): VariantDraft {
  return { key, allocation: String(allocation), systemPrompt: "", model: DEFAULT_MODEL, temperature: "", maxTokens: "" };
}

export function blankExperiment(): ExperimentDraft {
  return { key: "", name: "", description: "", controlIndex: 0, variants: [blankVariant("control", 50), blankVariant("treatment", 50)] };
}

const optionalNumber = (text: string) => (text.trim() === "" ? undefined : Number(text));

export function createInputOf(draft: ExperimentDraft): CreateExperimentInput {
  const description = draft.description.trim();
  return {
    key: draft.key.trim(),
    name: draft.name.trim(),
    ...(description ? { description } : {}),
    variants: draft.variants.map((variant, index) => {
      const temperature = optionalNumber(variant.temperature);
      const maxTokens = optionalNumber(variant.maxTokens);
      return {
        key: variant.key.trim(),
        allocation: Number(variant.allocation),
        isControl: index === draft.controlIndex,
        prompt: {
          systemPrompt: variant.systemPrompt,
          model: variant.model.trim(),
          parameters: {
            ...(temperature === undefined ? {} : { temperature }),
            ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
          },
        },
      };
    }),
  };
}

/** Sum of the allocations as typed, for the form's running total. */
export function allocationTotal(draft: ExperimentDraft): number {
  return draft.variants.reduce((sum, variant) => sum + (Number(variant.allocation) || 0), 0);
}
