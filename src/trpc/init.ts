// tRPC's three procedure kinds. Services throw AppErrors; one middleware maps
// them to tRPC errors so status codes match the raw routes, and the formatter
// hands field errors to forms while hiding 5xx details.
import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";
import { ForbiddenError, InternalError, toAppError, type AppError, type FieldErrors } from "../errors.ts";
import { fieldErrors } from "../http/validation.ts";
import type { Context } from "./context.ts";

const CODE_BY_STATUS: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  429: "TOO_MANY_REQUESTS",
  502: "BAD_GATEWAY",
  503: "SERVICE_UNAVAILABLE",
  504: "GATEWAY_TIMEOUT",
};

class AppTRPCError extends TRPCError {
  constructor(readonly appError: AppError) {
    super({ code: CODE_BY_STATUS[appError.status] ?? "INTERNAL_SERVER_ERROR", message: appError.message, cause: appError });
  }
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const appError = error instanceof AppTRPCError ? error.appError : undefined;
    const zodCause = error.cause instanceof ZodError ? error.cause : undefined;
    const fields: FieldErrors | undefined = zodCause ? fieldErrors(zodCause) : appError?.fields;
    const hidden = shape.data.httpStatus >= 500 && (appError === undefined || appError instanceof InternalError);
    return {
      ...shape,
      message: hidden ? "Internal server error." : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        appCode: appError?.code ?? (zodCause ? "invalid_request" : hidden ? "internal_error" : undefined),
        fields: fields ?? null,
      },
    };
  },
});

const mapErrors = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause ?? result.error;
    if (result.error.code === "INTERNAL_SERVER_ERROR" && !(cause instanceof ZodError)) {
      const appError = toAppError(cause);
      if (appError.status >= 500) ctx.log.error({ err: cause }, "procedure failed");
      else ctx.log.info({ code: appError.code }, "procedure rejected");
      throw new AppTRPCError(appError);
    }
  }
  return result;
});

/** Headers an error asks for (Retry-After on 429/503), for the HTTP adapter's responseMeta. */
export function errorHeaders(errors: readonly TRPCError[]): Record<string, string> {
  return Object.assign({}, ...errors.map((error) => (error instanceof AppTRPCError ? error.appError.headers : {})));
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(mapErrors);

export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const user = ctx.user ?? (await ctx.deps.auth.authenticate(ctx.apiKey));
  return next({ ctx: { ...ctx, user, log: ctx.log.child({ user_id: user.id }) } });
});

export const adminProcedure = authedProcedure.use(async ({ ctx, next }) => {
  if (ctx.user.role !== "admin") throw new ForbiddenError("This needs the admin role.");
  return next({ ctx });
});
