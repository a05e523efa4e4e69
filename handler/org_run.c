/* sw_org_run: the organization side of a drift check (see org_run.h). */
#include "handler/org_run.h"

#include "handler/decide/org_notify.h"
#include "runtime/lr_log.h"

/* The administrator's own drift notification, when the members' one does not carry it:
 * held for sw_regions_deliver (hold), else published. True when it is (or will be) sent. */
static bool admin_deliver(const struct sw_org_run *run, struct sw_notification *account_n,
                          bool hold)
{
    struct sw_error err = {0};
    if (hold) {
        (void)sw_regions_take(run->hold, account_n);
        return true;
    }
    if (sw_delivery_send(run->send, account_n, false, NULL, &err) != SW_OK) {
        lr_log(LR_LOG_ERROR, "drift notification not published: %s", err.msg);
        return false;
    }
    return true;
}

/* The run's one notification (members' and, when not held, the administrator's drift);
 * sets r->notified. */
static void org_notify(const struct sw_org_run *run, struct sw_result *r,
                       struct sw_notification *account_n, bool hold)
{
    struct sw_notification n;
    struct sw_error err = {0};
    bool org_built = false;
    sw_notification_init(&n);
    if (sw_org_report_notable(run->report)) {
        if (sw_org_notify_build(run->report, run->change, &n, &err) != SW_OK ||
            (!hold && account_n != NULL &&
             sw_org_notify_add_account(&n, account_n, &err) != SW_OK)) {
            lr_log(LR_LOG_ERROR, "organization notification not built: %s", err.msg);
        } else if (hold) {
            org_built = true;
            sw_regions_take_org(run->hold, &n);
            if (account_n != NULL)
                (void)admin_deliver(run, account_n, true);
            r->notified = true; /* sw_regions_deliver sends it, with every region's admin drift */
        } else {
            org_built = true;
            if (sw_delivery_send(run->send, &n, false, NULL, &err) != SW_OK) {
                lr_log(LR_LOG_ERROR, "organization notification not published: %s", err.msg);
            } else {
                r->notified = true;
            }
        }
    }
    if (!org_built && account_n != NULL) /* only the administrator's own account drifted */
        r->notified = admin_deliver(run, account_n, hold);
    sw_notification_clear(&n);
}

/* The answer for both checks: RemediationFailed naming what either left, else r. */
static void org_answer(const struct sw_org_run *run, struct sw_result *r, struct sw_outcome *out)
{
    struct sw_buf json, msg, org_msg;
    struct sw_error err = {0};
    sw_buf_init(&json, SW_RESULT_JSON_MAX);
    sw_buf_init(&msg, SW_RESULT_MESSAGE_MAX);
    sw_buf_init(&org_msg, SW_RESULT_MESSAGE_MAX);
    if (sw_org_report_json(run->report, &json, &err) == SW_OK) {
        r->organization_json = sw_buf_cstr(&json);
    }
    bool account_failed = sw_result_remediation_failed(r, &msg);
    bool members_failed = sw_org_report_failed(run->report, &org_msg);
    if (account_failed || members_failed) {
        if (account_failed && members_failed) {
            (void)sw_buf_append_str(&msg, "; ");
        }
        (void)sw_buf_append_str(&msg, sw_buf_cstr(&org_msg));
        lr_log(LR_LOG_ERROR, "%s", sw_buf_cstr(&msg));
        sw_outcome_fail(out, SW_RESULT_ERROR_REMEDIATION_FAILED, sw_buf_cstr(&msg));
    } else {
        sw_outcome_succeed(out, r);
    }
    r->organization_json = NULL;
    sw_buf_clear(&org_msg);
    sw_buf_clear(&msg);
    sw_buf_clear(&json);
}

void sw_org_run(const struct sw_org_run *run, const char *account, struct sw_result *r,
                struct sw_notification *account_n, struct sw_outcome *out)
{
    /* REGIONS: the other regions' administrator drift is not known yet, so both this
     * region's and the members' notification are held for sw_regions_deliver to fold. */
    bool hold = sw_regions_has_room(run->hold);
    if (run->io->check(run->io->ctx, account, run->execute, run->deadline_ms, run->report) !=
        SW_OK) {
        if (account_n != NULL)
            (void)admin_deliver(run, account_n, hold);
        sw_outcome_fail(out, SW_FUNCTION_ERROR_INTERNAL, "organization check: out of memory");
        return;
    }
    org_notify(run, r, account_n, hold);
    org_answer(run, r, out);
}
