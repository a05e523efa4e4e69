/* What to write back on the Security Hub finding that triggered a drift check (see
 * sechub_close.h). */
#include "handler/decide/sechub_close.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Appends to out (NUL-terminated, cap bytes), cutting at the end. */
static void add(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void add(char *out, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(out);
    if (len + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out + len, cap - len, fmt, ap);
    va_end(ap);
}

/* "inspector_ecr DISABLED -> ENABLED, registry_scan_type BASIC -> ENHANCED" */
static void add_items(char *out, size_t cap, const struct sw_drift_plan *plan)
{
    for (size_t i = 0; i < plan->item_count; i++) {
        const struct sw_drift_item *it = &plan->items[i];
        add(out, cap, "%s%s %s -> %s", i ? ", " : "", sw_drift_name_str(it->name),
            it->before[0] ? it->before : "(none)", it->after[0] ? it->after : "(none)");
    }
}

/* Cuts out back to the last whole UTF-8 character (vsnprintf may cut inside one). */
static void utf8_trim(char *out)
{
    size_t len = strlen(out);
    size_t i = len;
    while (i > 0 && ((unsigned char)out[i - 1] & 0xC0) == 0x80)
        i--;
    if (i > 0 && ((unsigned char)out[i - 1] & 0x80)) {
        unsigned char lead = (unsigned char)out[i - 1];
        size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (len - (i - 1) < want)
            out[i - 1] = '\0';
    }
}

void sw_sechub_close_decide(const struct sw_drift_plan *plan,
                            const struct sw_action_result *results, size_t result_count,
                            struct sw_sechub_close *out)
{
    memset(out, 0, sizeof(*out));
    if (!plan || !plan->checked || plan->item_count == 0 || plan->mode == SW_MODE_OFF)
        return;
    const size_t cap = sizeof(out->note);
    out->due = true;
    if (!plan->execute) {
        out->workflow = "NOTIFIED";
        add(out->note, cap, "scanwarden (dry-run) would restore in %s/%s: ", plan->account_id,
            plan->region);
        add_items(out->note, cap, plan);
        utf8_trim(out->note);
        return;
    }
    const struct sw_action_result *failed = NULL;
    size_t attempted = results ? result_count : 0;
    for (size_t i = 0; i < attempted && !failed; i++)
        if (!results[i].ok)
            failed = &results[i];
    if (!failed && attempted >= plan->action_count) {
        out->workflow = "RESOLVED";
        add(out->note, cap, "scanwarden restored in %s/%s: ", plan->account_id, plan->region);
        add_items(out->note, cap, plan);
        utf8_trim(out->note);
        return;
    }
    add(out->note, cap, "scanwarden could not restore in %s/%s: ", plan->account_id, plan->region);
    add_items(out->note, cap, plan);
    if (failed)
        add(out->note, cap, "; %s failed: %s %s", failed->api ? failed->api : "a call",
            failed->error_code ? failed->error_code : "",
            failed->error_message ? failed->error_message : "");
    else
        add(out->note, cap, "; not every action was attempted");
    utf8_trim(out->note);
}
