/* sw_org_run: SCOPE=organization (docs/contract.md §2.5), the members' side of a drift check.
 *
 * After the administrator's own account check in the function's region, the members are
 * checked (and in enforce mode restored) through struct sw_function_org_io, the run's
 * report becomes one notification that carries the administrator's own drift too, and the
 * answer covers both. With REGIONS the notifications are held for sw_regions_deliver to
 * fold in every region's administrator drift. Everything it needs comes as arguments. */
#ifndef SW_ORG_RUN_H
#define SW_ORG_RUN_H

#include "handler/delivery.h"
#include "handler/decide/notify_drift.h"
#include "handler/decide/org.h"
#include "handler/decide/outcome.h"
#include "handler/regions_run.h"
#include "handler/decide/result.h"

#include <stdbool.h>

/* SCOPE=organization only: checks, and when execute restores, every member of the
 * organization administered by admin_account before deadline_ms (0 = none), into *out
 * (see sw_org_aws_io_check). Returns 0 or SW_ENOMEM. */
struct sw_function_org_io {
    void *ctx;
    int (*check)(void *ctx, const char *admin_account, bool execute, long long deadline_ms,
                 struct sw_org_report *out);
    /* Whether account is a current member of admin_account's organization (*is_member),
     * from the member list of the last check or a fresh ListMembers before deadline_ms.
     * Returns 0, or a negative SW_E* with err saying why it could not be told. */
    int (*member)(void *ctx, const char *admin_account, const char *account, long long deadline_ms,
                  bool *is_member, struct sw_error *err);
};

/* One organization run's context (all borrowed for the call). */
struct sw_org_run {
    const struct sw_function_org_io *io;
    bool execute;                           /* REMEDIATION_MODE=enforce */
    long long deadline_ms;                  /* 0 = none */
    const struct sw_change_context *change; /* what made us look */
    struct sw_delivery *send;
    struct sw_regions_hold *hold; /* REGIONS: where notifications wait to be folded */
    struct sw_org_report *report; /* filled by the members' check */
};

/* The members' check of the organization administered by account, after the
 * administrator's own check r (its drift notification account_n, or NULL when nothing was
 * built; its document is taken). Answers *out for both: RemediationFailed when either left
 * something not restored, InternalError when out of memory, else r with the report. */
void sw_org_run(const struct sw_org_run *run, const char *account, struct sw_result *r,
                struct sw_notification *account_n, struct sw_outcome *out);

#endif
