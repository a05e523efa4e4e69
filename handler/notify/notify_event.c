/* sw_notify_event: "does this event notify?" and "build its notification", by kind.
 *
 * The verdict is decided before anything is built, so an event that does not notify costs
 * no text; the reason ends up in the invocation result (verdict names). The builders live
 * in notify_finding.c (findings) and notify_scan.c (scans, basic scans, coverage). */
#include "handler/notify/notify_event.h"

#include "handler/notify/notify_finding.h"
#include "handler/notify/notify_scan.h"
#include "handler/notify/notify_text.h"

#include <ctype.h>

const char *sw_notify_verdict_name(enum sw_notify_verdict v)
{
    switch (v) {
    case SW_NOTIFY_YES:
        return "notify";
    case SW_NOTIFY_NOT_ACTIVE:
        return "not-active";
    case SW_NOTIFY_BELOW_THRESHOLD:
        return "below-threshold";
    case SW_NOTIFY_STILL_SCANNED:
        return "still-scanned";
    case SW_NOTIFY_DUPLICATE:
        return "duplicate";
    case SW_NOTIFY_REPOSITORY_FILTERED:
        return "repository-filtered";
    case SW_NOTIFY_NO_FIX:
        return "no-fix-available";
    case SW_NOTIFY_NOT_APPLICABLE:
    default:
        return "not-applicable";
    }
}

enum sw_notify_verdict sw_notify_finding_verdict(const struct sw_finding *f, enum sw_severity min)
{
    if (!sw_notify_eq_nocase(f->status, "ACTIVE"))
        return SW_NOTIFY_NOT_ACTIVE;
    if (sw_notify_rank(f->severity) < min)
        return SW_NOTIFY_BELOW_THRESHOLD;
    return SW_NOTIFY_YES;
}

bool sw_notify_wildcard_match(const char *filter, const char *name)
{
    /* Iterative glob with one backtrack point: linear in practice, never recursive. */
    const char *star = NULL, *resume = NULL;
    while (*name) {
        if (*filter == '*') {
            star = filter++;
            resume = name;
        } else if (*filter && tolower((unsigned char)*filter) == tolower((unsigned char)*name)) {
            filter++;
            name++;
        } else if (star) {
            filter = star + 1;
            name = ++resume;
        } else {
            return false;
        }
    }
    while (*filter == '*')
        filter++;
    return *filter == '\0';
}

enum sw_notify_verdict sw_notify_finding_filter(const struct sw_finding *f,
                                                const char (*filters)[SW_CFG_FILTER_MAX + 1],
                                                size_t filter_count, bool fix_only)
{
    if (filter_count > 0) {
        bool match = false;
        for (size_t i = 0; f->repository && i < filter_count && !match; i++)
            match = sw_notify_wildcard_match(filters[i], f->repository);
        if (!match)
            return SW_NOTIFY_REPOSITORY_FILTERED;
    }
    if (fix_only && !sw_notify_eq_nocase(f->fix_available, "YES") &&
        !sw_notify_eq_nocase(f->fix_available, "PARTIAL"))
        return SW_NOTIFY_NO_FIX;
    return SW_NOTIFY_YES;
}

static enum sw_notify_verdict scan_verdict(const struct sw_scan_summary *s, enum sw_severity min)
{
    return sw_notify_highest_counted(&s->counts, min) == SW_SEVERITY_NONE
               ? SW_NOTIFY_BELOW_THRESHOLD
               : SW_NOTIFY_YES;
}

static enum sw_notify_verdict coverage_verdict(const struct sw_coverage *c)
{
    if (!c->status || sw_notify_eq_nocase(c->status, "ACTIVE"))
        return SW_NOTIFY_STILL_SCANNED;
    return SW_NOTIFY_YES;
}

enum sw_notify_verdict sw_notify_event_verdict(const struct sw_event *ev, enum sw_severity min)
{
    switch (ev->kind) {
    case SW_EVENT_FINDING:
        return sw_notify_finding_verdict(&ev->finding, min);
    case SW_EVENT_SCAN:
    case SW_EVENT_BASIC_SCAN:
        return scan_verdict(&ev->scan, min);
    case SW_EVENT_COVERAGE:
        return coverage_verdict(&ev->coverage);
    default:
        return SW_NOTIFY_NOT_APPLICABLE;
    }
}

int sw_notify_event_build(const struct sw_event *ev, enum sw_severity min, int64_t now_ms,
                          struct sw_notification *n, struct sw_error *err)
{
    switch (ev->kind) {
    case SW_EVENT_FINDING:
        return sw_notify_finding_build(ev, now_ms, n, err);
    case SW_EVENT_SCAN:
        return sw_notify_scan_build(ev, min, n, err);
    case SW_EVENT_BASIC_SCAN:
        return sw_notify_basic_scan_build(ev, min, n, err);
    case SW_EVENT_COVERAGE:
        return sw_notify_coverage_build(ev, n, err);
    default:
        return sw_error_set(err, SW_EINVAL, "%s events have no finding-side notification",
                            sw_event_kind_name(ev->kind));
    }
}
