/* sw_notify_finding: what a person receives about an Inspector finding.
 *
 * A pure builder over the parsed event: the subject, the e-mail text (facts, deadline,
 * image, packages, remediation, links) and the attributes; the JSON document comes from
 * notify_document.c. Nothing here reads a clock or the network (now is an argument).
 * Only fields the event carried are printed, so a missing one is left out, never "null". */
#include "handler/notify/notify_finding.h"

#include "handler/notify/notify_console.h"
#include "handler/notify/notify_document.h"
#include "handler/notify/notify_sla.h"
#include "handler/notify/notify_text.h"
#include "handler/core/text.h"
#include "handler/core/timeparse.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define PACKAGE_BYTES_BUDGET ((size_t)128 * 1024) /* package lines kept in one message */
#define SUBJECT_ID_CHARS 48                       /* vulnerability id (or title) in a subject */

static void duration(struct sw_notify_text *w, int64_t ms)
{
    if (ms >= 2 * SW_TIME_DAY_MS)
        sw_notify_text_fmt(w, "%lld days", (long long)(ms / SW_TIME_DAY_MS));
    else if (ms >= 2 * SW_TIME_HOUR_MS)
        sw_notify_text_fmt(w, "%lld hours", (long long)(ms / SW_TIME_HOUR_MS));
    else if (ms >= 60000)
        sw_notify_text_fmt(w, "%lld minutes", (long long)(ms / 60000));
    else
        sw_notify_text_str(w, "less than a minute");
}

static void deadline(struct sw_notify_text *w, const struct sw_finding *f, int64_t now_ms)
{
    int64_t sla = sw_notify_sla_ms(f->severity);
    if (sla == 0 || f->first_observed_ms == SW_TIME_NONE)
        return;
    int64_t due = f->first_observed_ms + sla;
    char when[40];
    sw_time_format(due, when, sizeof(when));
    sw_notify_text_fmt(w, "Respond by: %s (%s SLA: %s from first observed", when,
                       sw_severity_name(f->severity), sw_notify_sla_words(f->severity));
    if (now_ms != SW_TIME_NONE && now_ms > due) {
        sw_notify_text_str(w, "; OVERDUE by ");
        duration(w, now_ms - due);
    } else if (now_ms != SW_TIME_NONE) {
        sw_notify_text_str(w, "; ");
        duration(w, due - now_ms);
        sw_notify_text_str(w, " left");
    }
    sw_notify_text_str(w, ")\n");
}

static bool no_fix(const char *fixed)
{
    return !fixed || sw_notify_eq_nocase(fixed, "NotAvailable");
}

static void packages(struct sw_notify_text *w, const struct sw_finding *f)
{
    size_t total = f->package_count + f->packages_omitted;
    if (total == 0)
        return;
    sw_notify_text_fmt(w, "\nVulnerable packages (%zu)\n", total);
    size_t start = w->b->len;
    size_t listed = 0;
    for (; listed < f->package_count && w->b->len - start < PACKAGE_BYTES_BUDGET; listed++) {
        const struct sw_vulnerable_package *p = &f->packages[listed];
        sw_notify_text_str(w, "  - ");
        sw_notify_text_flat(w, p->name ? p->name : "(unnamed package)");
        if (p->version) {
            sw_notify_text_str(w, " ");
            sw_notify_text_flat(w, p->version);
        }
        if (no_fix(p->fixed_in_version)) {
            sw_notify_text_str(w, ", no fixed version yet");
        } else {
            sw_notify_text_str(w, " \xe2\x86\x92 "); /* → */
            sw_notify_text_flat(w, p->fixed_in_version);
        }
        if (p->package_manager) {
            sw_notify_text_str(w, " (");
            sw_notify_text_flat(w, p->package_manager);
            sw_notify_text_str(w, ")");
        }
        if (p->file_path) {
            sw_notify_text_str(w, " at ");
            sw_notify_text_flat(w, p->file_path);
        }
        sw_notify_text_str(w, "\n");
    }
    if (total > listed)
        sw_notify_text_fmt(w, "  ... and %zu more not listed here (see the console)\n",
                           total - listed);
}

static void finding_subject(const struct sw_finding *f, struct sw_notification *n)
{
    char sev[32];
    char id[SUBJECT_ID_CHARS + 1];
    char img[SW_EVENT_STR_MAX];
    char img_ascii[SW_SUBJECT_MAX_CHARS + 1];
    char subject[SW_SUBJECT_MAX_CHARS * 2];

    sw_text_ascii_line(sw_notify_severity_label(f), sev, sizeof(sev), 16);
    const char *idsrc = f->vulnerability_id ? f->vulnerability_id : f->title;
    sw_text_ascii_line(idsrc ? idsrc : "Inspector finding", id, sizeof(id), SUBJECT_ID_CHARS);
    if (!id[0])
        memcpy(id, "Inspector finding", sizeof("Inspector finding"));
    sw_notify_image_name(f->repository, f->image_tags, f->image_tag_count, f->image_digest,
                         f->resource_id, img, sizeof(img));
    /* "[" sev "] " id " in " image: the image gets whatever room is left. */
    size_t used = strlen(sev) + strlen(id) + 3;
    size_t room = used + 4 < SW_SUBJECT_MAX_CHARS ? SW_SUBJECT_MAX_CHARS - used - 4 : 0;
    img_ascii[0] = '\0';
    if (img[0] && room >= 8)
        sw_text_ascii_line(img, img_ascii, sizeof(img_ascii), room);
    if (img_ascii[0])
        snprintf(subject, sizeof(subject), "[%s] %s in %s", sev, id, img_ascii);
    else
        snprintf(subject, sizeof(subject), "[%s] %s", sev, id);
    sw_notification_set_subject(n, subject);
}

/* "Amazon Inspector reports a HIGH vulnerability, CVE-..., in repo:tag." */
static void finding_opening(struct sw_notify_text *w, const struct sw_finding *f, const char *img)
{
    sw_notify_text_fmt(w, "Amazon Inspector reports a %s", sw_notify_severity_label(f));
    sw_notify_text_str(w, " vulnerability");
    if (f->vulnerability_id) {
        sw_notify_text_str(w, ", ");
        sw_notify_text_flat(w, f->vulnerability_id);
        sw_notify_text_str(w, ",");
    }
    if (img[0]) {
        sw_notify_text_str(w, " in ");
        sw_notify_text_flat(w, img);
    }
    sw_notify_text_str(w, ".\n\n");
}

/* "CVSS base score: 9.8 (CVSS 3.1, NVD)" and the vector. */
static void finding_cvss(struct sw_notify_text *w, const struct sw_finding *f)
{
    sw_notify_text_fmt(w, "CVSS base score: %.1f", f->cvss_base_score);
    if (f->cvss_version || f->cvss_source) {
        sw_notify_text_str(w, " (");
        if (f->cvss_version) {
            sw_notify_text_str(w, "CVSS ");
            sw_notify_text_flat(w, f->cvss_version);
        }
        if (f->cvss_version && f->cvss_source)
            sw_notify_text_str(w, ", ");
        sw_notify_text_flat(w, f->cvss_source);
        sw_notify_text_str(w, ")");
    }
    sw_notify_text_str(w, "\n");
    sw_notify_text_line(w, "CVSS vector", f->cvss_vector);
}

/* The facts block: id, title, severity, scores, exploit and fix, deadline, times, status. */
static void finding_facts(struct sw_notify_text *w, const struct sw_finding *f, int64_t now_ms)
{
    sw_notify_text_line(w, "Vulnerability", f->vulnerability_id);
    sw_notify_text_line(w, "Title", f->title);
    sw_notify_text_line(w, "Severity", sw_notify_severity_label(f));
    if (f->has_inspector_score)
        sw_notify_text_fmt(w, "Inspector score: %.1f\n", f->inspector_score);
    if (f->has_cvss)
        finding_cvss(w, f);
    if (f->has_epss)
        sw_notify_text_fmt(w,
                           "EPSS score: %.5g (%.3g%% probability of exploitation in the next 30 "
                           "days)\n",
                           f->epss_score, f->epss_score * 100.0);
    sw_notify_text_line(w, "Exploit available", f->exploit_available);
    sw_notify_text_line(w, "Fix available", f->fix_available);
    deadline(w, f, now_ms);
    sw_notify_text_time(w, "First observed", f->first_observed_ms, f->first_observed_text);
    sw_notify_text_time(w, "Last observed", f->last_observed_ms, f->last_observed_text);
    sw_notify_text_time(w, "Updated", f->updated_at_ms, f->updated_at_text);
    sw_notify_text_line(w, "Status", f->status);
}

/* The image block, when the finding names an image or resource. */
static void finding_image(struct sw_notify_text *w, const struct sw_finding *f)
{
    if (!f->repository && !f->image_digest && !f->image_tag_count && !f->resource_id)
        return;
    sw_notify_text_str(w, "\nImage\n");
    sw_notify_text_line(w, "  Repository", f->repository);
    sw_notify_text_line(w, "  Registry", f->registry);
    sw_notify_text_tags(w, "  Tags", f->image_tags, f->image_tag_count, f->image_tags_omitted);
    sw_notify_text_line(w, "  Digest", f->image_digest);
    sw_notify_text_line(w,
                        sw_notify_eq_nocase(f->resource_type, "AWS_ECR_CONTAINER_IMAGE")
                            ? "  Image ARN"
                            : "  Resource",
                        f->resource_id);
}

/* Where it is: ARN, account, region, advisory and console links. */
static void finding_references(struct sw_notify_text *w, const struct sw_finding *f)
{
    char link[SW_CONSOLE_LINK_MAX];
    sw_notify_text_str(w, "\n");
    sw_notify_text_line(w, "Finding ARN", f->finding_arn);
    sw_notify_text_line(w, "Account", f->account_id);
    sw_notify_text_line(w, "Region", f->region);
    sw_notify_text_line(w, "Advisory", f->source_url);
    if (sw_notify_console_link(f, link, sizeof(link)))
        sw_notify_text_line(w, "Console (all findings)", link);
    if (sw_notify_console_image_link(f->region, f->resource_id, link, sizeof(link)))
        sw_notify_text_line(w, "Console (this image)", link);
}

int sw_notify_finding_build(const struct sw_event *ev, int64_t now_ms, struct sw_notification *n,
                            struct sw_error *err)
{
    if (ev->kind != SW_EVENT_FINDING)
        return sw_error_set(err, SW_EINVAL, "not an Inspector2 Finding event");
    const struct sw_finding *f = &ev->finding;
    struct sw_notify_text w = {&n->message, 0};
    char img[SW_EVENT_STR_MAX];

    finding_subject(f, n);
    sw_notify_image_name(f->repository, f->image_tags, f->image_tag_count, f->image_digest,
                         f->resource_id, img, sizeof(img));
    finding_opening(&w, f, img);
    finding_facts(&w, f, now_ms);
    if (f->description) {
        sw_notify_text_str(&w, "\nDescription\n");
        sw_notify_text_str(&w, f->description);
        sw_notify_text_str(&w, "\n");
    }
    finding_image(&w, f);
    packages(&w, f);
    /* Inspector writes "None Provided" when it has no advice: nothing to show. */
    if (f->remediation && !sw_notify_eq_nocase(f->remediation, "None Provided")) {
        sw_notify_text_str(&w, "\nRemediation\n");
        sw_notify_text_str(&w, f->remediation);
        sw_notify_text_str(&w, "\n");
    }
    finding_references(&w, f);

    int rc = sw_notify_text_end(&w, "finding", n, "finding", sw_notify_severity_label(f),
                                f->account_id, f->region, err);
    if (rc == 0)
        rc = sw_notify_document_finding(ev, n, err);
    if (rc != 0)
        return rc;
    sw_notification_finish(n);
    return 0;
}
