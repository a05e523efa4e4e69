/* sw_notify_scan: scan summary, ECR basic scan and coverage-lost notifications.
 *
 * A scan message names the image and the counts at or above MIN_SEVERITY, most severe
 * first; a coverage message translates Inspector's reason code into a sentence a person
 * can act on. The JSON documents come from notify_document.c, the shared line writer
 * from notify_text.c. */
#include "handler/notify/notify_scan.h"

#include "handler/notify/notify_console.h"
#include "handler/notify/notify_document.h"
#include "handler/notify/notify_text.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* "3 CRITICAL, 5 HIGH": non-zero counts at or above min, most severe first. */
static void counts_phrase(const struct sw_severity_counts *c, enum sw_severity min, bool basic,
                          char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (int s = SW_SEVERITY_CRITICAL; s >= (int)sw_notify_rank(min); s--) {
        if (!c->present[s] || c->count[s] <= 0)
            continue;
        int n =
            snprintf(out + o, cap - o, "%s%lld %s", o ? ", " : "", (long long)c->count[s],
                     basic && s == SW_SEVERITY_UNTRIAGED ? "UNDEFINED"
                                                         : sw_severity_name((enum sw_severity)s));
        if (n < 0 || (size_t)n >= cap - o)
            break;
        o += (size_t)n;
    }
}

static void w_counts(struct sw_notify_text *w, const struct sw_severity_counts *c, bool basic)
{
    bool any = false;
    for (int s = SW_SEVERITY_CRITICAL; s >= SW_SEVERITY_UNTRIAGED; s--) {
        if (!c->present[s])
            continue;
        if (!any)
            sw_notify_text_str(w, "\nFindings by severity\n");
        any = true;
        sw_notify_text_fmt(w, "  %s: %lld\n",
                           basic && s == SW_SEVERITY_UNTRIAGED
                               ? "UNDEFINED"
                               : sw_severity_name((enum sw_severity)s),
                           (long long)c->count[s]);
    }
    if (c->has_total) {
        if (!any)
            sw_notify_text_str(w, "\nFindings by severity\n");
        sw_notify_text_fmt(w, "  Total: %lld\n", (long long)c->total);
    }
}

static int scan_build(const struct sw_event *ev, enum sw_severity min, bool basic,
                      struct sw_notification *n, struct sw_error *err)
{
    const struct sw_scan_summary *s = &ev->scan;
    struct sw_notify_text w = {&n->message, 0};
    char img[SW_EVENT_STR_MAX];
    char counts[256];
    char subject[SW_SUBJECT_MAX_CHARS * 4];
    char link[SW_CONSOLE_LINK_MAX];

    enum sw_severity top = sw_notify_highest_counted(&s->counts, min);
    const char *top_name = top == SW_SEVERITY_NONE ? NULL : sw_severity_name(top);
    sw_notify_image_name(s->repository, s->image_tags, s->image_tag_count, s->image_digest, NULL,
                         img, sizeof(img));
    counts_phrase(&s->counts, min, basic, counts, sizeof(counts));

    snprintf(subject, sizeof(subject), "[%s] %s of %.60s: %s", top_name ? top_name : "INFO",
             basic ? "ECR basic scan" : "Inspector scan", img[0] ? img : "an image",
             counts[0] ? counts : "no findings at or above the threshold");
    sw_notification_set_subject(n, subject);

    if (basic)
        sw_notify_text_str(&w, "Amazon ECR basic scanning");
    else
        sw_notify_text_str(&w, "Amazon Inspector");
    sw_notify_text_str(&w, " scanned ");
    sw_notify_text_flat(&w, img[0] ? img : "an image");
    if (counts[0]) {
        sw_notify_text_str(&w, " and found ");
        sw_notify_text_flat(&w, counts);
        sw_notify_text_fmt(&w, " (at or above %s).\n", sw_severity_name(sw_notify_rank(min)));
    } else {
        sw_notify_text_fmt(&w, " and found nothing at or above %s.\n",
                           sw_severity_name(sw_notify_rank(min)));
    }
    if (basic)
        sw_notify_text_str(
            &w, "\nNote: this image was scanned with ECR basic scanning. scanwarden keeps the "
                "registry on Amazon Inspector enhanced scanning, so basic scanning still being "
                "in use means the registry (or this repository) is not covered by enhanced "
                "scanning. The drift check restores it when REMEDIATION_MODE is enforce.\n");
    sw_notify_text_str(&w, "\n");
    sw_notify_text_line(&w, "Repository", s->repository);
    sw_notify_text_tags(&w, "Tags", s->image_tags, s->image_tag_count, s->image_tags_omitted);
    sw_notify_text_line(&w, "Digest", s->image_digest);
    sw_notify_text_line(&w, "Scan status", s->scan_status);
    w_counts(&w, &s->counts, basic);
    sw_notify_text_str(&w, "\n");
    sw_notify_text_line(&w, "Account", ev->env.account);
    sw_notify_text_line(&w, "Region", ev->env.region);
    sw_notify_text_time(&w, "Time", ev->env.time_ms, ev->env.time);
    if (!basic && sw_notify_console_url(ev->env.region, "findings/all", link, sizeof(link)))
        sw_notify_text_line(&w, "Console", link);

    int rc = sw_notify_text_end(&w, "scan", n, basic ? "basic-scan" : "scan", top_name,
                                ev->env.account, ev->env.region, err);
    if (rc == 0)
        rc = sw_notify_document_scan(ev, min, n, err);
    if (rc != 0)
        return rc;
    sw_notification_finish(n);
    return 0;
}

int sw_notify_scan_build(const struct sw_event *ev, enum sw_severity min, struct sw_notification *n,
                         struct sw_error *err)
{
    if (ev->kind != SW_EVENT_SCAN)
        return sw_error_set(err, SW_EINVAL, "not an Inspector2 Scan event");
    return scan_build(ev, min, false, n, err);
}

int sw_notify_basic_scan_build(const struct sw_event *ev, enum sw_severity min,
                               struct sw_notification *n, struct sw_error *err)
{
    if (ev->kind != SW_EVENT_BASIC_SCAN)
        return sw_error_set(err, SW_EINVAL, "not an ECR Image Scan event");
    return scan_build(ev, min, true, n, err);
}

static const struct {
    const char *reason;
    const char *text;
} coverage_reasons[] = {
    {"SCAN_ELIGIBILITY_EXPIRED",
     "the image was not pushed or pulled within the ECR re-scan duration, so Inspector "
     "stopped monitoring it"},
    {"IMAGE_SIZE_EXCEEDED", "the image is larger than Inspector can scan"},
    {"UNSUPPORTED_OS", "Inspector does not support the image's operating system, architecture "
                       "or manifest type"},
    {"UNSUPPORTED_MEDIA_TYPE", "Inspector does not support the image's media type"},
    {"UNSUPPORTED_CONFIG_FILE", "Inspector does not support the image's configuration file"},
    {"SCAN_FREQUENCY_MANUAL", "the repository is set to manual scanning, outside the "
                              "registry's enhanced scanning rules"},
    {"SCAN_FREQUENCY_SCAN_ON_PUSH", "the repository is scanned on push only, not continuously"},
    {"ACCESS_DENIED", "Inspector was denied access to the resource (check its IAM or resource "
                      "policy)"},
    {"ACCESS_DENIED_TO_ENCRYPTION_KEY", "the KMS key policy does not let Inspector read the "
                                        "resource"},
    {"INTERNAL_ERROR", "Inspector hit an internal error while scanning"},
    {"PENDING_INITIAL_SCAN", "the first scan has not finished yet"},
    {"PENDING_DISABLE", "Inspector scanning is being turned off for this resource type"},
    {"NO_RESOURCES_FOUND", "the resource no longer exists"},
    {"RESOURCE_TERMINATED", "the resource no longer exists"},
    {"EXCLUDED_BY_TAG", "the resource is excluded from scanning by a tag"},
    {"STALE_INVENTORY", "Inspector's inventory of the resource is out of date"},
    {"NO_INVENTORY", "Inspector has no inventory for the resource"},
};

static const char *coverage_reason_text(const char *reason)
{
    for (size_t i = 0; reason && i < sizeof(coverage_reasons) / sizeof(coverage_reasons[0]); i++) {
        if (strcmp(reason, coverage_reasons[i].reason) == 0)
            return coverage_reasons[i].text;
    }
    return NULL;
}

int sw_notify_coverage_build(const struct sw_event *ev, struct sw_notification *n,
                             struct sw_error *err)
{
    if (ev->kind != SW_EVENT_COVERAGE)
        return sw_error_set(err, SW_EINVAL, "not an Inspector2 Coverage event");
    const struct sw_coverage *c = &ev->coverage;
    struct sw_notify_text w = {&n->message, 0};
    char img[SW_EVENT_STR_MAX];
    char subject[SW_SUBJECT_MAX_CHARS * 4];

    sw_notify_image_name(c->repository, NULL, 0, c->image_digest, c->resource_id, img, sizeof(img));
    const char *code = c->reason ? c->reason : c->status;
    snprintf(subject, sizeof(subject), "scanwarden: Inspector stopped scanning %.60s%s%.30s%s",
             img[0] ? img : "a resource", code ? " (" : "", code ? code : "", code ? ")" : "");
    sw_notification_set_subject(n, subject);

    sw_notify_text_str(&w, "Amazon Inspector no longer scans ");
    sw_notify_text_flat(&w, img[0] ? img : "a resource");
    sw_notify_text_str(&w, " (scan status ");
    sw_notify_text_flat(&w, c->status ? c->status : "not ACTIVE");
    sw_notify_text_str(&w, ").\n");
    const char *why = coverage_reason_text(c->reason);
    if (why) {
        sw_notify_text_str(&w, "Reason: ");
        sw_notify_text_str(&w, why);
        sw_notify_text_str(&w, ".\n");
    }
    sw_notify_text_str(&w, "\n");
    sw_notify_text_line(&w, "Scan status", c->status);
    sw_notify_text_line(&w, "Reason code", c->reason);
    sw_notify_text_line(&w, "Scan type", c->scan_type);
    sw_notify_text_line(&w, "Repository", c->repository);
    sw_notify_text_line(&w, "Digest", c->image_digest);
    sw_notify_text_line(&w, "Resource", c->resource_id);
    sw_notify_text_line(&w, "Account", c->account_id);
    sw_notify_text_line(&w, "Region", c->region);
    sw_notify_text_time(&w, "Time", c->event_time_ms, c->event_timestamp);

    int rc = sw_notify_text_end(&w, "coverage", n, "coverage", NULL, c->account_id, c->region, err);
    if (rc == 0)
        rc = sw_notify_document_coverage(ev, n, err);
    if (rc != 0)
        return rc;
    sw_notification_finish(n);
    return 0;
}
