// zod parsing for the raw HTTP routes: failures become a 400 with per-field messages.
import type { z } from "zod";
import { ValidationError, type FieldErrors } from "../errors.ts";

export function fieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) (fields[[...issue.path, key].join(".")] ??= []).push("unknown field");
      continue;
    }
    const path = issue.path.join(".") || "(body)";
    (fields[path] ??= []).push(issue.message);
  }
  return fields;
}

export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ValidationError("The request body is invalid.", { fields: fieldErrors(result.error) });
  }
  return result.data;
}
