/* sw_regions_run: holding and folding the notifications of a check over several regions
 * (see regions_run.h). */
#include "handler/regions_run.h"

#include "handler/parse/config.h"
#include "handler/decide/notify_regions.h"
#include "handler/decide/org_notify.h"
#include "runtime/lr_log.h"

#include <stdlib.h>

void sw_regions_hold_begin(struct sw_regions_hold *h, size_t other_regions)
{
    h->count = 0;
    h->cap = 0;
    h->parts = NULL;
    h->org_note_held = false;
    sw_notification_init(&h->org_note);
    if (other_regions == 0)
        return;
    size_t cap = 1 + (other_regions < SW_CFG_REGIONS_MAX ? other_regions : SW_CFG_REGIONS_MAX);
    h->parts = calloc(cap, sizeof(*h->parts));
    if (h->parts == NULL) {
        lr_log(LR_LOG_WARN, "REGIONS: out of memory: one notification per drifted region");
        return;
    }
    for (size_t i = 0; i < cap; i++)
        sw_notification_init(&h->parts[i]);
    h->cap = cap;
}

bool sw_regions_has_room(const struct sw_regions_hold *h)
{
    return h->parts != NULL && h->count < h->cap;
}

bool sw_regions_take(struct sw_regions_hold *h, struct sw_notification *n)
{
    if (!sw_regions_has_room(h))
        return false;
    sw_notification_move(&h->parts[h->count++], n);
    return true;
}

void sw_regions_take_org(struct sw_regions_hold *h, struct sw_notification *n)
{
    sw_notification_move(&h->org_note, n);
    h->org_note_held = true;
}

/* Organization scope: the administrator's drift in every region (parts, home first when it
 * drifted) into the members' notification, then that one notification out. Two or more
 * regions are combined first (notify_regions.c): the administrator section is then over
 * all of them, with each region's own under organization.administrator_regions. */
static void org_fold_deliver(struct sw_regions_hold *h, struct sw_delivery *d)
{
    struct sw_notification all;
    struct sw_error err = {0};
    sw_notification_init(&all);
    struct sw_notification *admin = h->count == 1 ? &h->parts[0] : NULL;
    if (h->count >= 2 && sw_notify_regions_build(h->parts, h->count, &all, &err) == SW_OK)
        admin = &all;
    else if (h->count >= 2)
        lr_log(LR_LOG_ERROR, "administrator regions not combined: %s", err.msg);
    int rc = SW_OK;
    if (admin == &all)
        rc = sw_org_notify_add_regions(&h->org_note, &all, &err);
    else if (admin != NULL)
        rc = sw_org_notify_add_account(&h->org_note, admin, &err);
    if (rc != SW_OK)
        lr_log(LR_LOG_ERROR, "administrator drift not added to the organization notification: %s",
               err.msg);
    if (sw_delivery_send(d, &h->org_note, false, NULL, &err) != SW_OK)
        lr_log(LR_LOG_ERROR, "organization notification not published: %s", err.msg);
    sw_notification_clear(&all);
}

/* One notification for the drifted regions: one as it is, two or more combined (or, if the
 * combined one cannot be built, each by itself); in organization scope, folded into the
 * members' one when there is one. */
void sw_regions_deliver(struct sw_regions_hold *h, struct sw_delivery *d)
{
    size_t count = h->count;
    struct sw_notification all;
    struct sw_error err = {0};
    sw_notification_init(&all);
    if (h->org_note_held) {
        org_fold_deliver(h, d);
        count = 0;
    }
    if (count >= 2) {
        if (sw_notify_regions_build(h->parts, count, &all, &err) == SW_OK) {
            if (sw_delivery_send(d, &all, false, NULL, &err) != SW_OK)
                lr_log(LR_LOG_ERROR, "regions notification not published: %s", err.msg);
            count = 0;
        } else {
            lr_log(LR_LOG_ERROR, "regions notification not built (one per region): %s", err.msg);
        }
    }
    for (size_t i = 0; i < count; i++) {
        if (sw_delivery_send(d, &h->parts[i], false, NULL, &err) != SW_OK)
            lr_log(LR_LOG_ERROR, "drift notification not published: %s", err.msg);
    }
    for (size_t i = 0; i < h->cap; i++)
        sw_notification_clear(&h->parts[i]);
    free(h->parts);
    h->parts = NULL;
    sw_notification_clear(&all);
    sw_notification_clear(&h->org_note);
    h->org_note_held = false;
    h->count = 0;
    h->cap = 0;
}
