/* sw_org_notify: the organization run's notification and result summary (org_notify.c). */
#ifndef SW_ORG_NOTIFY_H
#define SW_ORG_NOTIFY_H

#include "handler/core/error.h"
#include "handler/core/notification.h"
#include "handler/decide/notify_drift.h"
#include "handler/decide/org.h"

/* The one notification of an organization run (r must be notable): subject, a section per
 * region (drifted members with their status, restored / failed with the AWS error, cut
 * runs), and attributes event_kind (remediation or drift), account_id, region, mode.
 * Returns 0, SW_EINVAL (nothing notable), SW_ENOMEM or SW_ELIMIT with err set. */
int sw_org_notify_build(const struct sw_org_report *r, const struct sw_change_context *ctx,
                        struct sw_notification *n, struct sw_error *err);

/* Folds the administrator's own account notification (from sw_notify_drift_build) into the
 * organization notification n: its text as a section, its document's "drift" as
 * "organization"."administrator"; the subject says both. account_n keeps its text; its
 * document is taken. Returns 0, SW_ENOMEM or SW_ELIMIT with err set. */
int sw_org_notify_add_account(struct sw_notification *n, struct sw_notification *account_n,
                              struct sw_error *err);

/* sw_org_notify_add_account for the administrator's drift over several regions (regions_n
 * from sw_notify_regions_build): also each region's own document, from its "regions", as
 * "organization"."administrator_regions". Returns 0, SW_ENOMEM or SW_ELIMIT with err set. */
int sw_org_notify_add_regions(struct sw_notification *n, struct sw_notification *regions_n,
                              struct sw_error *err);

/* The report as a compact JSON object for the invocation result (at most SW_ORG_JSON_MAX bytes:
 * fewer failed members are listed when needed; SW_ELIMIT past that), e.g.
 * {"regions":[{"region":"us-east-1","members":250,"checked":250,"drifted":83,"restored":83,
 * "failed":[],"complete":true}]}. Returns 0, SW_ENOMEM or SW_ELIMIT. */
int sw_org_report_json(const struct sw_org_report *r, struct sw_buf *out, struct sw_error *err);

#endif
