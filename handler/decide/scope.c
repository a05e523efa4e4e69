/* sw_scope: the account and region rule for drift-check events (see scope.h). */
#include "handler/decide/scope.h"

#include <stdio.h>
#include <string.h>

static bool managed_region(const struct sw_scope_rule *sc, const char *region)
{
    if (strcmp(region, sc->own_region) == 0)
        return true;
    for (size_t i = 0; i < sc->other_region_count; i++) {
        if (strcmp(region, sc->other_regions[i]) == 0)
            return true;
    }
    return false;
}

enum sw_scope_verdict sw_scope_decide(const struct sw_event *ev, const struct sw_scope_rule *sc,
                                      const char **ask, size_t *ask_count, char *reason, size_t cap)
{
    /* Parsed accounts and regions are valid names or NULL (events.h). */
    const char *regions[] = {
        ev->env.region, ev->kind == SW_EVENT_CLOUDTRAIL          ? ev->cloudtrail.aws_region
                        : ev->kind == SW_EVENT_CONFIG_COMPLIANCE ? ev->config_compliance.aws_region
                                                                 : NULL};
    const char *accounts[] = {
        ev->env.account, ev->kind == SW_EVENT_SECURITYHUB         ? ev->securityhub.account_id
                         : ev->kind == SW_EVENT_CONFIG_COMPLIANCE ? ev->config_compliance.account_id
                                                                  : NULL};
    *ask_count = 0;
    if (cap)
        reason[0] = '\0';
    for (size_t i = 0; i < 2; i++) {
        if (regions[i] != NULL && !managed_region(sc, regions[i])) {
            snprintf(reason, cap,
                     "the event is from region %s; this function checks %s%s (its own region) "
                     "and no other: deploy it in %s or add %s to REGIONS",
                     regions[i], sc->own_region, sc->other_region_count ? " and REGIONS" : "",
                     regions[i], regions[i]);
            return SW_SCOPE_REFUSE;
        }
    }
    for (size_t i = 0; i < 2; i++) {
        const char *a = accounts[i];
        if (a == NULL || strcmp(a, sc->own_account) == 0)
            continue;
        if (!sc->organization) {
            snprintf(reason, cap,
                     "the event names account %s; this function manages only its own account "
                     "%s (SCOPE=account)",
                     a, sc->own_account);
            return SW_SCOPE_REFUSE;
        }
        if (*ask_count == 0 || strcmp(ask[0], a) != 0)
            ask[(*ask_count)++] = a;
    }
    return *ask_count ? SW_SCOPE_ASK_MEMBER : SW_SCOPE_ACT;
}

void sw_scope_not_member(const char *account, const struct sw_scope_rule *sc, char *reason,
                         size_t cap)
{
    snprintf(reason, cap,
             "the event names account %s, which is neither this administrator (%s) nor a "
             "current member of its organization",
             account, sc->own_account);
}
