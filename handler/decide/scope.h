/* sw_scope: which accounts and regions an event may make the function act on.
 *
 * The function manages its own account (the account of the invoked function ARN; the
 * operator command line asks sts:GetCallerIdentity) in its own region and REGIONS; in
 * organization scope also the administrator's current members. An event is only a reason
 * to look, never the choice of what is written: one that names another account or region
 * is not acted on. Pure: the member lookup is the caller's (an AWS read). */
#ifndef SW_SCOPE_H
#define SW_SCOPE_H

#include "handler/parse/events.h"

#include <stdbool.h>
#include <stddef.h>

#define SW_SCOPE_REASON_MAX 320 /* bytes of a refusal reason */
#define SW_SCOPE_ASK_MAX 2      /* accounts an event can name (envelope, detail) */

/* What the function manages. */
struct sw_scope_rule {
    const char *own_account;          /* 12 digits */
    const char *own_region;           /* AWS_REGION */
    const char *const *other_regions; /* the other regions of REGIONS */
    size_t other_region_count;
    bool organization; /* SCOPE=organization: current members count too */
};

enum sw_scope_verdict {
    SW_SCOPE_ACT = 0,    /* the event names only what the function manages */
    SW_SCOPE_ASK_MEMBER, /* organization scope: act if every account in ask[] is a member */
    SW_SCOPE_REFUSE      /* another account or region: reason says which */
};

/* Decides for a drift-check event. ask[] (SW_SCOPE_ASK_MAX) receives the accounts to look up
 * for SW_SCOPE_ASK_MEMBER (*ask_count of them); reason (cap bytes) says why for
 * SW_SCOPE_REFUSE. */
enum sw_scope_verdict sw_scope_decide(const struct sw_event *ev, const struct sw_scope_rule *sc,
                                      const char **ask, size_t *ask_count, char *reason,
                                      size_t cap);

/* The reason for an organization event whose account is not a current member. */
void sw_scope_not_member(const char *account, const struct sw_scope_rule *sc, char *reason,
                         size_t cap);

#endif
