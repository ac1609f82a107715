// Admin: the audit log, newest first, searchable by experiment, action and entity.
import { auditSearchSchema, searchAuditLog } from "../../services/audit-log.ts";
import { adminProcedure, router } from "../../trpc/init.ts";

export const adminAuditRouter = router({
  search: adminProcedure.input(auditSearchSchema).query(({ ctx, input }) => searchAuditLog(ctx.deps.db, input)),
});
