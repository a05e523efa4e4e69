/* sw_notify_finding: what a person receives about an Inspector finding, scan or coverage.
 *
 * Decisions ("does this notify?") and the text builders are pure functions over the
 * parsed event; nothing here reads a clock or the network (now is an argument). Only
 * fields the event carried are printed, so a missing one is left out, never "null".
 * The duplicate cache keeps SHA-256 digests so its size is fixed whatever the input. */
#include "handler/ids.h"
#include "handler/notify_finding.h"

#include "handler/notify_document.h"
#include "handler/text.h"
#include "handler/timeparse.h"

#include <openssl/sha.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define PACKAGE_BYTES_BUDGET ((size_t)128 * 1024) /* package lines kept in one message */
#define SUBJECT_ID_CHARS 48                       /* vulnerability id (or title) in a subject */
#define SHORT_DIGEST_HEX 12                       /* sha256:<12 hex> in subjects */
#define CONSOLE_LINK_MAX 2048

/* ---- small writer: appends until the first error, then does nothing ---- */

struct writer {
    struct sw_buf *b;
    int rc;
};

static void w_str(struct writer *w, const char *s)
{
    if (w->rc == 0 && s)
        w->rc = sw_buf_append_str(w->b, s);
}

static void w_fmt(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void w_fmt(struct writer *w, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    if (w->rc != 0)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0) {
        w->rc = SW_EINTERNAL;
        return;
    }
    w->rc = sw_buf_append(w->b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* Appends an event field that belongs on one line: every control character (CR, LF, tab,
 * C1, U+2028, U+2029: sw_text_control_len) becomes a space, so that a field cannot start a
 * line of its own (a forged "Severity: LOW") in the message. Multi-line texts (description,
 * remediation) use w_str. */
static void w_flat(struct writer *w, const char *s)
{
    if (s && w->rc == 0)
        w->rc = sw_text_append_line(w->b, s, strlen(s));
}

/* "Label: value\n" when value is present. */
static void w_line(struct writer *w, const char *label, const char *value)
{
    if (!value)
        return;
    w_str(w, label);
    w_str(w, ": ");
    w_flat(w, value);
    w_str(w, "\n");
}

/* A time as "2024-09-04 16:55:38 UTC", or the text as sent when it could not be parsed. */
static void w_time_line(struct writer *w, const char *label, int64_t ms, const char *text)
{
    char out[40];
    if (ms != SW_TIME_NONE && sw_time_format(ms, out, sizeof(out)) > 0)
        w_line(w, label, out);
    else
        w_line(w, label, text);
}

/* ---- names and helpers ---- */

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
    case SW_NOTIFY_NOT_APPLICABLE:
    default:
        return "not-applicable";
    }
}

int64_t sw_notify_sla_ms(enum sw_severity s)
{
    switch (s) {
    case SW_SEVERITY_CRITICAL:
        return SW_SLA_CRITICAL_MS;
    case SW_SEVERITY_HIGH:
        return SW_SLA_HIGH_MS;
    case SW_SEVERITY_MEDIUM:
        return SW_SLA_MEDIUM_MS;
    case SW_SEVERITY_LOW:
        return SW_SLA_LOW_MS;
    default:
        return 0;
    }
}

static bool eq_nocase(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    for (; *a && *b; a++, b++) {
        char x = (*a >= 'a' && *a <= 'z') ? (char)(*a - 'a' + 'A') : *a;
        char y = (*b >= 'a' && *b <= 'z') ? (char)(*b - 'a' + 'A') : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

/* A missing or unknown severity ranks as UNTRIAGED. */
static enum sw_severity rank(enum sw_severity s)
{
    return s == SW_SEVERITY_NONE ? SW_SEVERITY_UNTRIAGED : s;
}

/* The severity as shown: the known name, else what was sent, else UNTRIAGED. */
static const char *severity_label(const struct sw_finding *f)
{
    if (f->severity != SW_SEVERITY_NONE)
        return sw_severity_name(f->severity);
    return f->severity_text ? f->severity_text : "UNTRIAGED";
}

/* ---- decisions ---- */

enum sw_notify_verdict sw_notify_finding_verdict(const struct sw_finding *f, enum sw_severity min)
{
    if (!eq_nocase(f->status, "ACTIVE"))
        return SW_NOTIFY_NOT_ACTIVE;
    if (rank(f->severity) < min)
        return SW_NOTIFY_BELOW_THRESHOLD;
    return SW_NOTIFY_YES;
}

/* Highest severity with a non-zero count at or above min; SW_SEVERITY_NONE when none. */
static enum sw_severity highest_counted(const struct sw_severity_counts *c, enum sw_severity min)
{
    for (int s = SW_SEVERITY_CRITICAL; s >= (int)rank(min); s--) {
        if (c->present[s] && c->count[s] > 0)
            return (enum sw_severity)s;
    }
    return SW_SEVERITY_NONE;
}

enum sw_notify_verdict sw_notify_scan_verdict(const struct sw_scan_summary *s, enum sw_severity min)
{
    return highest_counted(&s->counts, min) == SW_SEVERITY_NONE ? SW_NOTIFY_BELOW_THRESHOLD
                                                                : SW_NOTIFY_YES;
}

enum sw_notify_verdict sw_notify_coverage_verdict(const struct sw_coverage *c)
{
    if (!c->status || eq_nocase(c->status, "ACTIVE"))
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
        return sw_notify_scan_verdict(&ev->scan, min);
    case SW_EVENT_COVERAGE:
        return sw_notify_coverage_verdict(&ev->coverage);
    default:
        return SW_NOTIFY_NOT_APPLICABLE;
    }
}

/* ---- console links ---- */

static void url_encode(const char *s, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 4 < cap; p++) {
        unsigned char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
}

/* https://<host>/inspector/v2/home?region=<region>#/findings/<fragment>; 0 if no valid region. */
static size_t console_url(const char *region, const char *fragment, char *out, size_t cap)
{
    int n;
    if (cap)
        out[0] = '\0';
    if (!region || !sw_region_valid(region, strlen(region)))
        return 0;
    if (strncmp(region, "cn-", 3) == 0)
        n = snprintf(out, cap, "https://%s.console.amazonaws.cn/inspector/v2/home?region=%s#/%s",
                     region, region, fragment);
    else if (strncmp(region, "us-gov-", 7) == 0)
        n = snprintf(out, cap,
                     "https://console.amazonaws-us-gov.com/inspector/v2/home?region=%s#/%s", region,
                     fragment);
    else
        n = snprintf(out, cap, "https://%s.console.aws.amazon.com/inspector/v2/home?region=%s#/%s",
                     region, region, fragment);
    if (n < 0 || (size_t)n >= cap) {
        if (cap)
            out[0] = '\0';
        return 0;
    }
    return (size_t)n;
}

size_t sw_notify_console_link(const struct sw_finding *f, char *out, size_t cap)
{
    return console_url(f->region, "findings/all", out, cap);
}

/* The container-image view of an ECR image ARN (the form AWS's own samples link to). */
static size_t console_image_link(const char *region, const char *image_arn, char *out, size_t cap)
{
    char frag[CONSOLE_LINK_MAX + 32];
    char enc[CONSOLE_LINK_MAX];
    if (!image_arn || strncmp(image_arn, "arn:", 4) != 0 || !strstr(image_arn, ":ecr:") ||
        strlen(image_arn) * 3 + 32 >= sizeof(enc)) {
        if (cap)
            out[0] = '\0';
        return 0;
    }
    url_encode(image_arn, enc, sizeof(enc));
    snprintf(frag, sizeof(frag), "findings/container-image/%s", enc);
    return console_url(region, frag, out, cap);
}

/* ---- image naming ---- */

/* "repo:tag", else "repo@sha256:<12 hex>", else "repo", else the resource id; "" if none. */
static void image_name(const char *repo, const char *const *tags, size_t tag_count,
                       const char *digest, const char *resource_id, char *out, size_t cap)
{
    out[0] = '\0';
    if (repo && tag_count > 0) {
        snprintf(out, cap, "%s:%s", repo, tags[0]);
    } else if (repo && digest) {
        const char *hex = strncmp(digest, "sha256:", 7) == 0 ? digest + 7 : digest;
        snprintf(out, cap, "%s@sha256:%.*s", repo, SHORT_DIGEST_HEX, hex);
    } else if (repo) {
        snprintf(out, cap, "%s", repo);
    } else if (resource_id) {
        snprintf(out, cap, "%s", resource_id);
    }
}

static void w_tags(struct writer *w, const char *label, const char *const *tags, size_t count,
                   size_t omitted)
{
    if (count == 0)
        return;
    w_str(w, label);
    w_str(w, ": ");
    for (size_t i = 0; i < count; i++) {
        if (i)
            w_str(w, ", ");
        w_flat(w, tags[i]);
    }
    if (omitted)
        w_fmt(w, " (and %zu more)", omitted);
    w_str(w, "\n");
}

/* ---- attributes ---- */

static int add_attributes(struct sw_notification *n, const char *kind, const char *severity,
                          const char *account, const char *region)
{
    int rc = sw_notification_add_attribute(n, "event_kind", kind);
    if (rc == 0 && severity)
        rc = sw_notification_add_attribute(n, "severity", severity);
    if (rc == 0 && account)
        rc = sw_notification_add_attribute(n, "account_id", account);
    if (rc == 0 && region)
        rc = sw_notification_add_attribute(n, "region", region);
    return rc;
}

/* ---- finding ---- */

static void w_duration(struct writer *w, int64_t ms)
{
    if (ms >= 2 * SW_TIME_DAY_MS)
        w_fmt(w, "%lld days", (long long)(ms / SW_TIME_DAY_MS));
    else if (ms >= 2 * SW_TIME_HOUR_MS)
        w_fmt(w, "%lld hours", (long long)(ms / SW_TIME_HOUR_MS));
    else if (ms >= 60000)
        w_fmt(w, "%lld minutes", (long long)(ms / 60000));
    else
        w_str(w, "less than a minute");
}

static const char *sla_words(enum sw_severity s)
{
    switch (s) {
    case SW_SEVERITY_CRITICAL:
        return "24 hours";
    case SW_SEVERITY_HIGH:
        return "7 days";
    default:
        return "30 days";
    }
}

static void w_deadline(struct writer *w, const struct sw_finding *f, int64_t now_ms)
{
    int64_t sla = sw_notify_sla_ms(f->severity);
    if (sla == 0 || f->first_observed_ms == SW_TIME_NONE)
        return;
    int64_t due = f->first_observed_ms + sla;
    char when[40];
    sw_time_format(due, when, sizeof(when));
    w_fmt(w, "Respond by: %s (%s SLA: %s from first observed", when, sw_severity_name(f->severity),
          sla_words(f->severity));
    if (now_ms != SW_TIME_NONE && now_ms > due) {
        w_str(w, "; OVERDUE by ");
        w_duration(w, now_ms - due);
    } else if (now_ms != SW_TIME_NONE) {
        w_str(w, "; ");
        w_duration(w, due - now_ms);
        w_str(w, " left");
    }
    w_str(w, ")\n");
}

static bool no_fix(const char *fixed)
{
    return !fixed || eq_nocase(fixed, "NotAvailable");
}

static void w_packages(struct writer *w, const struct sw_finding *f)
{
    size_t total = f->package_count + f->packages_omitted;
    if (total == 0)
        return;
    w_fmt(w, "\nVulnerable packages (%zu)\n", total);
    size_t start = w->b->len;
    size_t listed = 0;
    for (; listed < f->package_count && w->b->len - start < PACKAGE_BYTES_BUDGET; listed++) {
        const struct sw_vulnerable_package *p = &f->packages[listed];
        w_str(w, "  - ");
        w_flat(w, p->name ? p->name : "(unnamed package)");
        if (p->version) {
            w_str(w, " ");
            w_flat(w, p->version);
        }
        if (no_fix(p->fixed_in_version)) {
            w_str(w, ", no fixed version yet");
        } else {
            w_str(w, " \xe2\x86\x92 "); /* → */
            w_flat(w, p->fixed_in_version);
        }
        if (p->package_manager) {
            w_str(w, " (");
            w_flat(w, p->package_manager);
            w_str(w, ")");
        }
        if (p->file_path) {
            w_str(w, " at ");
            w_flat(w, p->file_path);
        }
        w_str(w, "\n");
    }
    if (total > listed)
        w_fmt(w, "  ... and %zu more not listed here (see the console)\n", total - listed);
}

static void finding_subject(const struct sw_finding *f, struct sw_notification *n)
{
    char sev[32];
    char id[SUBJECT_ID_CHARS + 1];
    char img[SW_EVENT_STR_MAX];
    char img_ascii[SW_SUBJECT_MAX_CHARS + 1];
    char subject[SW_SUBJECT_MAX_CHARS * 2];

    sw_text_ascii_line(severity_label(f), sev, sizeof(sev), 16);
    const char *idsrc = f->vulnerability_id ? f->vulnerability_id : f->title;
    sw_text_ascii_line(idsrc ? idsrc : "Inspector finding", id, sizeof(id), SUBJECT_ID_CHARS);
    if (!id[0])
        memcpy(id, "Inspector finding", sizeof("Inspector finding"));
    image_name(f->repository, f->image_tags, f->image_tag_count, f->image_digest, f->resource_id,
               img, sizeof(img));
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

int sw_notify_finding_build(const struct sw_event *ev, int64_t now_ms, struct sw_notification *n,
                            struct sw_error *err)
{
    if (ev->kind != SW_EVENT_FINDING)
        return sw_error_set(err, SW_EINVAL, "not an Inspector2 Finding event");
    const struct sw_finding *f = &ev->finding;
    struct writer w = {&n->message, 0};
    char img[SW_EVENT_STR_MAX];
    char link[CONSOLE_LINK_MAX];

    finding_subject(f, n);
    image_name(f->repository, f->image_tags, f->image_tag_count, f->image_digest, f->resource_id,
               img, sizeof(img));

    /* Opening sentence. */
    w_fmt(&w, "Amazon Inspector reports a %s", severity_label(f));
    w_str(&w, " vulnerability");
    if (f->vulnerability_id) {
        w_str(&w, ", ");
        w_flat(&w, f->vulnerability_id);
        w_str(&w, ",");
    }
    if (img[0]) {
        w_str(&w, " in ");
        w_flat(&w, img);
    }
    w_str(&w, ".\n\n");

    w_line(&w, "Vulnerability", f->vulnerability_id);
    w_line(&w, "Title", f->title);
    w_line(&w, "Severity", severity_label(f));
    if (f->has_inspector_score)
        w_fmt(&w, "Inspector score: %.1f\n", f->inspector_score);
    if (f->has_cvss) {
        w_fmt(&w, "CVSS base score: %.1f", f->cvss_base_score);
        if (f->cvss_version || f->cvss_source) {
            w_str(&w, " (");
            if (f->cvss_version) {
                w_str(&w, "CVSS ");
                w_flat(&w, f->cvss_version);
            }
            if (f->cvss_version && f->cvss_source)
                w_str(&w, ", ");
            w_flat(&w, f->cvss_source);
            w_str(&w, ")");
        }
        w_str(&w, "\n");
        w_line(&w, "CVSS vector", f->cvss_vector);
    }
    if (f->has_epss)
        w_fmt(&w, "EPSS score: %.5g (%.3g%% probability of exploitation in the next 30 days)\n",
              f->epss_score, f->epss_score * 100.0);
    w_line(&w, "Exploit available", f->exploit_available);
    w_line(&w, "Fix available", f->fix_available);
    w_deadline(&w, f, now_ms);
    w_time_line(&w, "First observed", f->first_observed_ms, f->first_observed_text);
    w_time_line(&w, "Last observed", f->last_observed_ms, f->last_observed_text);
    w_time_line(&w, "Updated", f->updated_at_ms, f->updated_at_text);
    w_line(&w, "Status", f->status);

    if (f->description) {
        w_str(&w, "\nDescription\n");
        w_str(&w, f->description);
        w_str(&w, "\n");
    }

    if (f->repository || f->image_digest || f->image_tag_count || f->resource_id) {
        w_str(&w, "\nImage\n");
        w_line(&w, "  Repository", f->repository);
        w_line(&w, "  Registry", f->registry);
        w_tags(&w, "  Tags", f->image_tags, f->image_tag_count, f->image_tags_omitted);
        w_line(&w, "  Digest", f->image_digest);
        w_line(&w,
               eq_nocase(f->resource_type, "AWS_ECR_CONTAINER_IMAGE") ? "  Image ARN"
                                                                      : "  Resource",
               f->resource_id);
    }

    w_packages(&w, f);

    /* Inspector writes "None Provided" when it has no advice: nothing to show. */
    if (f->remediation && !eq_nocase(f->remediation, "None Provided")) {
        w_str(&w, "\nRemediation\n");
        w_str(&w, f->remediation);
        w_str(&w, "\n");
    }

    w_str(&w, "\n");
    w_line(&w, "Finding ARN", f->finding_arn);
    w_line(&w, "Account", f->account_id);
    w_line(&w, "Region", f->region);
    w_line(&w, "Advisory", f->source_url);
    if (sw_notify_console_link(f, link, sizeof(link)))
        w_line(&w, "Console (all findings)", link);
    if (console_image_link(f->region, f->resource_id, link, sizeof(link)))
        w_line(&w, "Console (this image)", link);

    if (w.rc != 0)
        return sw_error_set(err, w.rc, "building the finding notification: %s", sw_strerror(w.rc));
    int rc = add_attributes(n, "finding", severity_label(f), f->account_id, f->region);
    if (rc != 0)
        return sw_error_set(err, rc, "adding finding notification attributes");
    rc = sw_notify_document_finding(ev, n, err);
    if (rc != 0)
        return rc;
    sw_notification_finish(n);
    return 0;
}

/* ---- scans ---- */

/* "3 CRITICAL, 5 HIGH": non-zero counts at or above min, most severe first. */
static void counts_phrase(const struct sw_severity_counts *c, enum sw_severity min, bool basic,
                          char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (int s = SW_SEVERITY_CRITICAL; s >= (int)rank(min); s--) {
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

static void w_counts(struct writer *w, const struct sw_severity_counts *c, bool basic)
{
    bool any = false;
    for (int s = SW_SEVERITY_CRITICAL; s >= SW_SEVERITY_UNTRIAGED; s--) {
        if (!c->present[s])
            continue;
        if (!any)
            w_str(w, "\nFindings by severity\n");
        any = true;
        w_fmt(w, "  %s: %lld\n",
              basic && s == SW_SEVERITY_UNTRIAGED ? "UNDEFINED"
                                                  : sw_severity_name((enum sw_severity)s),
              (long long)c->count[s]);
    }
    if (c->has_total) {
        if (!any)
            w_str(w, "\nFindings by severity\n");
        w_fmt(w, "  Total: %lld\n", (long long)c->total);
    }
}

static int scan_build(const struct sw_event *ev, enum sw_severity min, bool basic,
                      struct sw_notification *n, struct sw_error *err)
{
    const struct sw_scan_summary *s = &ev->scan;
    struct writer w = {&n->message, 0};
    char img[SW_EVENT_STR_MAX];
    char counts[256];
    char subject[SW_SUBJECT_MAX_CHARS * 4];
    char link[CONSOLE_LINK_MAX];

    enum sw_severity top = highest_counted(&s->counts, min);
    const char *top_name = top == SW_SEVERITY_NONE ? NULL : sw_severity_name(top);
    image_name(s->repository, s->image_tags, s->image_tag_count, s->image_digest, NULL, img,
               sizeof(img));
    counts_phrase(&s->counts, min, basic, counts, sizeof(counts));

    snprintf(subject, sizeof(subject), "[%s] %s of %.60s: %s", top_name ? top_name : "INFO",
             basic ? "ECR basic scan" : "Inspector scan", img[0] ? img : "an image",
             counts[0] ? counts : "no findings at or above the threshold");
    sw_notification_set_subject(n, subject);

    if (basic)
        w_str(&w, "Amazon ECR basic scanning");
    else
        w_str(&w, "Amazon Inspector");
    w_str(&w, " scanned ");
    w_flat(&w, img[0] ? img : "an image");
    if (counts[0]) {
        w_str(&w, " and found ");
        w_flat(&w, counts);
        w_fmt(&w, " (at or above %s).\n", sw_severity_name(rank(min)));
    } else {
        w_fmt(&w, " and found nothing at or above %s.\n", sw_severity_name(rank(min)));
    }
    if (basic)
        w_str(&w, "\nNote: this image was scanned with ECR basic scanning. scanwarden keeps the "
                  "registry on Amazon Inspector enhanced scanning, so basic scanning still being "
                  "in use means the registry (or this repository) is not covered by enhanced "
                  "scanning. The drift check restores it when REMEDIATION_MODE is enforce.\n");
    w_str(&w, "\n");
    w_line(&w, "Repository", s->repository);
    w_tags(&w, "Tags", s->image_tags, s->image_tag_count, s->image_tags_omitted);
    w_line(&w, "Digest", s->image_digest);
    w_line(&w, "Scan status", s->scan_status);
    w_counts(&w, &s->counts, basic);
    w_str(&w, "\n");
    w_line(&w, "Account", ev->env.account);
    w_line(&w, "Region", ev->env.region);
    w_time_line(&w, "Time", ev->env.time_ms, ev->env.time);
    if (!basic && console_url(ev->env.region, "findings/all", link, sizeof(link)))
        w_line(&w, "Console", link);

    if (w.rc != 0)
        return sw_error_set(err, w.rc, "building the scan notification: %s", sw_strerror(w.rc));
    int rc =
        add_attributes(n, basic ? "basic-scan" : "scan", top_name, ev->env.account, ev->env.region);
    if (rc != 0)
        return sw_error_set(err, rc, "adding scan notification attributes");
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

/* ---- coverage ---- */

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
    struct writer w = {&n->message, 0};
    char img[SW_EVENT_STR_MAX];
    char subject[SW_SUBJECT_MAX_CHARS * 4];

    image_name(c->repository, NULL, 0, c->image_digest, c->resource_id, img, sizeof(img));
    const char *code = c->reason ? c->reason : c->status;
    snprintf(subject, sizeof(subject), "scanwarden: Inspector stopped scanning %.60s%s%.30s%s",
             img[0] ? img : "a resource", code ? " (" : "", code ? code : "", code ? ")" : "");
    sw_notification_set_subject(n, subject);

    w_str(&w, "Amazon Inspector no longer scans ");
    w_flat(&w, img[0] ? img : "a resource");
    w_str(&w, " (scan status ");
    w_flat(&w, c->status ? c->status : "not ACTIVE");
    w_str(&w, ").\n");
    const char *why = coverage_reason_text(c->reason);
    if (why) {
        w_str(&w, "Reason: ");
        w_str(&w, why);
        w_str(&w, ".\n");
    }
    w_str(&w, "\n");
    w_line(&w, "Scan status", c->status);
    w_line(&w, "Reason code", c->reason);
    w_line(&w, "Scan type", c->scan_type);
    w_line(&w, "Repository", c->repository);
    w_line(&w, "Digest", c->image_digest);
    w_line(&w, "Resource", c->resource_id);
    w_line(&w, "Account", c->account_id);
    w_line(&w, "Region", c->region);
    w_time_line(&w, "Time", c->event_time_ms, c->event_timestamp);

    if (w.rc != 0)
        return sw_error_set(err, w.rc, "building the coverage notification: %s", sw_strerror(w.rc));
    int rc = add_attributes(n, "coverage", NULL, c->account_id, c->region);
    if (rc != 0)
        return sw_error_set(err, rc, "adding coverage notification attributes");
    rc = sw_notify_document_coverage(ev, n, err);
    if (rc != 0)
        return rc;
    sw_notification_finish(n);
    return 0;
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

/* ---- duplicate cache ---- */

void sw_finding_cache_init(struct sw_finding_cache *c)
{
    memset(c, 0, sizeof(*c));
}

/* SHA-256 over len(findingArn) (8 bytes), findingArn, updatedAt: no two pairs collide. */
static bool cache_key(const struct sw_finding *f, unsigned char key[32])
{
    unsigned char buf[2 * SW_EVENT_STR_MAX + 16];
    if (!f->finding_arn || !f->updated_at_text)
        return false;
    size_t a = strlen(f->finding_arn);
    size_t b = strlen(f->updated_at_text);
    if (8 + a + b > sizeof(buf))
        return false;
    for (int i = 0; i < 8; i++)
        buf[i] = (unsigned char)((uint64_t)a >> (8 * i));
    memcpy(buf + 8, f->finding_arn, a);
    memcpy(buf + 8 + a, f->updated_at_text, b);
    SHA256(buf, 8 + a + b, key);
    return true;
}

bool sw_finding_cache_contains(const struct sw_finding_cache *c, const struct sw_finding *f)
{
    unsigned char key[32];
    if (!cache_key(f, key))
        return false;
    for (size_t i = 0; i < c->count; i++) {
        if (memcmp(c->keys[i], key, sizeof(key)) == 0)
            return true;
    }
    return false;
}

void sw_finding_cache_add(struct sw_finding_cache *c, const struct sw_finding *f)
{
    unsigned char key[32];
    if (!cache_key(f, key) || sw_finding_cache_contains(c, f))
        return;
    if (c->count < SW_FINDING_CACHE_SIZE) {
        memcpy(c->keys[c->count++], key, sizeof(key));
        return;
    }
    memcpy(c->keys[c->next], key, sizeof(key));
    c->next = (c->next + 1) % SW_FINDING_CACHE_SIZE;
}
