/* sw_notify_wire: the per-protocol messages of one notification (MessageStructure=json).
 *
 * Subscribers differ: a person reads the e-mail text, a pipeline parses the JSON document,
 * a chat channel renders Amazon Q Developer's custom-notification format. SNS carries all
 * three in one Publish, under one 256 KiB limit, so the sizes are decided here: the
 * document and chat payload have fixed ceilings, the text gets what is left (computed from
 * JSON escaping exactly, not guessed), and the result is checked once more. */
#include "handler/notify_wire.h"

#include "handler/text.h"
#include "handler/timeparse.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHRINK_ROUNDS 24
#define CHAT_PACKAGES 5 /* packages named in a chat message */
#define CHAT_SUMMARY_ITEMS 10
#define CHAT_FIELD_MAX 300 /* bytes of one value in a chat message */

/* ---- the full document ---- */

static bool add_attr(cJSON *root, const char *key, const struct sw_notification *n,
                     const char *attribute)
{
    const char *v = sw_notification_attribute(n, attribute);
    return !v || cJSON_AddStringToObject(root, key, v) != NULL;
}

static cJSON *full_document(const struct sw_notification *n)
{
    const char *kind = sw_notification_attribute(n, "event_kind");
    char when[40];
    cJSON *root = cJSON_CreateObject();
    bool ok = root &&
              cJSON_AddStringToObject(root, "schema_version", SW_NOTIFICATION_SCHEMA_VERSION) &&
              cJSON_AddStringToObject(root, "kind", kind ? kind : "unknown") &&
              cJSON_AddStringToObject(root, "subject", n->subject);
    if (ok && n->generated_ms > 0 && sw_time_format_iso(n->generated_ms, when, sizeof(when)))
        ok = cJSON_AddStringToObject(root, "generated_at", when) != NULL;
    ok = ok && add_attr(root, "account", n, "account_id") &&
         add_attr(root, "region", n, "region") && add_attr(root, "severity", n, "severity") &&
         add_attr(root, "priority", n, "priority") && add_attr(root, "mode", n, "mode");
    for (const cJSON *c = n->document ? n->document->child : NULL; ok && c; c = c->next) {
        cJSON *dup = c->string ? cJSON_Duplicate(c, true) : NULL;
        ok = dup && cJSON_AddItemToObject(root, c->string, dup);
        if (!ok)
            cJSON_Delete(dup);
    }
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* Halves every array of more than one element; true when something was removed. */
static bool halve_arrays(cJSON *item)
{
    bool changed = false;
    if (cJSON_IsArray(item)) {
        int count = cJSON_GetArraySize(item);
        for (int keep = (count + 1) / 2; count > 1 && count > keep; count--) {
            cJSON_DeleteItemFromArray(item, count - 1);
            changed = true;
        }
    }
    for (cJSON *c = item->child; c; c = c->next)
        changed = halve_arrays(c) || changed;
    return changed;
}

/* Cuts every string longer than max bytes (UTF-8 boundary, "..." appended). */
static bool cut_strings(cJSON *item, size_t max)
{
    bool ok = true;
    if (cJSON_IsString(item) && item->valuestring && strlen(item->valuestring) > max) {
        size_t keep = sw_text_utf8_prefix(item->valuestring, strlen(item->valuestring), max - 3);
        memcpy(item->valuestring + keep, "...", 4); /* keep + 4 <= max + 1 <= old length */
    }
    for (cJSON *c = item->child; ok && c; c = c->next)
        ok = cut_strings(c, max);
    return ok;
}

/* Prints root into out within max bytes, shrinking root as needed. */
static int print_within(cJSON *root, size_t max, bool mark, struct sw_buf *out, const char *what,
                        struct sw_error *err)
{
    size_t limit = SW_DOCUMENT_CUT_START;
    for (int round = 0; round <= SHRINK_ROUNDS; round++) {
        char *s = cJSON_PrintUnformatted(root);
        if (!s)
            return sw_error_set(err, SW_ENOMEM, "printing the %s: out of memory", what);
        size_t len = strlen(s);
        if (len <= max) {
            len = sw_text_sanitize_utf8(s, len);
            sw_buf_reset(out);
            int rc = sw_buf_append(out, s, len);
            cJSON_free(s);
            return rc ? sw_error_set(err, rc, "the %s: %s", what, sw_strerror(rc)) : 0;
        }
        cJSON_free(s);
        if (mark && !cJSON_GetObjectItemCaseSensitive(root, "truncated") &&
            !cJSON_AddBoolToObject(root, "truncated", 1))
            return sw_error_set(err, SW_ENOMEM, "the %s: out of memory", what);
        if (!halve_arrays(root)) {
            cut_strings(root, limit);
            limit = limit > 64 ? limit / 2 : 32;
        }
    }
    return sw_error_set(err, SW_ELIMIT, "the %s does not fit in %zu bytes", what, max);
}

int sw_wire_document(const struct sw_notification *n, struct sw_buf *out, struct sw_error *err)
{
    cJSON *root = full_document(n);
    if (!root)
        return sw_error_set(err, SW_ENOMEM, "building the notification document: out of memory");
    int rc = print_within(root, SW_WIRE_DOCUMENT_MAX, true, out, "notification document", err);
    cJSON_Delete(root);
    return rc;
}

/* ---- chat (Amazon Q Developer in chat applications custom notification) ---- */

static const char *str_of(const cJSON *obj, const char *key)
{
    const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    return v != NULL && cJSON_IsString(v) && v->valuestring && v->valuestring[0] ? v->valuestring
                                                                                 : NULL;
}

static const cJSON *obj_of(const cJSON *obj, const char *key)
{
    const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    return cJSON_IsObject(v) || cJSON_IsArray(v) ? v : NULL;
}

/* How a character of an event-derived value is written in the chat payload so that it shows
 * as text, never as mark-up: CommonMark backslash escapes for its punctuation (links, images,
 * emphasis, code, headings, tables), HTML entities for < > & (Slack's own escaping, which
 * CommonMark decodes too), so <@here>, <!channel> or <http://x|y> neither mention nor link;
 * an '@' that starts a word is followed by a zero-width space so a bare @here or @channel
 * mentions nobody (one inside a word, as in repo@sha256:..., cannot mention and is left alone
 * so the reference can be copied). prev is the byte before c (0 at the start). NULL: written
 * as it is. */
static const char *md_escape(unsigned char c, unsigned char prev)
{
    switch (c) {
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '&':
        return "&amp;";
    case '@':
        return isalnum(prev) ? NULL : "@\xE2\x80\x8B";
    case '\\':
    case '`':
    case '*':
    case '_':
    case '~':
    case '[':
    case ']':
    case '(':
    case ')':
    case '#':
    case '|':
    case '!':
        return "";
    default:
        return NULL;
    }
}

/* Writes into out (cap >= 8) the first max bytes of s (UTF-8 boundary, "..." when cut) as
 * one escaped line: control characters (sw_text_control_len) become a space, mark-up is
 * escaped (md_escape). Never ends inside an escape. Returns the length written. */
static size_t md_text(const char *s, size_t max, char *out, size_t cap)
{
    size_t len = strlen(s);
    size_t keep = sw_text_utf8_prefix(s, len, max);
    size_t o = 0;
    for (size_t i = 0; i < keep;) {
        size_t ctl = sw_text_control_len(s + i, keep - i);
        const char *esc =
            ctl ? " " : md_escape((unsigned char)s[i], i ? (unsigned char)s[i - 1] : 0);
        char pair[2] = {'\\', s[i]};
        const char *unit = esc == NULL ? s + i : esc[0] ? esc : pair;
        size_t n = esc == NULL ? 1 : esc[0] ? strlen(esc) : 2;
        if (o + n + 4 > cap) {
            keep = i; /* no room: cut here, before the unit */
            break;
        }
        memcpy(out + o, unit, n);
        o += n;
        i += ctl ? ctl : 1;
    }
    if (keep < len) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return o;
}

/* Appends an event-derived value as escaped text (md_text), at most CHAT_FIELD_MAX bytes of
 * it. Errors (the ceiling of the description) are ignored: the description is then simply
 * shorter, never cut inside an escape. */
static void md(struct sw_buf *b, const char *s)
{
    char out[CHAT_FIELD_MAX * 6 + 8];
    if (!s)
        return;
    size_t n = md_text(s, CHAT_FIELD_MAX, out, sizeof(out));
    (void)sw_buf_append(b, out, n);
}

/* True for a link scanwarden builds itself (the console URL: https, a validated region, a
 * fixed path): written as it is so it stays a working link. Anything else goes through md(). */
static bool md_own_url(const char *s)
{
    if (strncmp(s, "https://", 8) != 0 || strlen(s) > CHAT_FIELD_MAX)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (!isalnum(*p) && !strchr("-._~:/?#=%", *p))
            return false;
    return true;
}

static void md_field(struct sw_buf *b, const char *label, const char *value)
{
    if (!value)
        return;
    (void)sw_buf_appendf(b, "*%s:* ", label);
    md(b, value);
    (void)sw_buf_append_char(b, '\n');
}

static const char *severity_emoji(const char *sev)
{
    if (!sev)
        return "\xE2\x84\xB9\xEF\xB8\x8F"; /* information */
    if (strcmp(sev, "CRITICAL") == 0)
        return "\xF0\x9F\x94\xB4"; /* red circle */
    if (strcmp(sev, "HIGH") == 0)
        return "\xF0\x9F\x9F\xA0"; /* orange circle */
    if (strcmp(sev, "MEDIUM") == 0)
        return "\xF0\x9F\x9F\xA1"; /* yellow circle */
    if (strcmp(sev, "LOW") == 0)
        return "\xF0\x9F\x94\xB5"; /* blue circle */
    return "\xE2\x9A\xAA";         /* white circle */
}

static const char *title_emoji(const cJSON *doc, const char *kind)
{
    if (strcmp(kind, "remediation") == 0) {
        const char *outcome = str_of(obj_of(doc, "drift"), "outcome");
        return outcome && strcmp(outcome, "restored") == 0 ? "\xE2\x9C\x85"  /* check mark */
                                                           : "\xE2\x9D\x8C"; /* cross mark */
    }
    if (strcmp(kind, "drift") == 0 || strcmp(kind, "coverage") == 0)
        return "\xE2\x9A\xA0\xEF\xB8\x8F"; /* warning */
    return severity_emoji(str_of(doc, "severity"));
}

static void md_finding(struct sw_buf *b, const cJSON *f)
{
    char line[160];
    const cJSON *v;
    const char *id = str_of(f, "vulnerability_id");
    const char *title = str_of(f, "title");
    if (id && !(title && strncmp(title, id, strlen(id)) == 0)) {
        (void)sw_buf_append_str(b, "*");
        md(b, str_of(f, "vulnerability_id"));
        (void)sw_buf_append_str(b, "* ");
    }
    md(b, str_of(f, "title"));
    (void)sw_buf_append_char(b, '\n');
    line[0] = '\0';
    if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(f, "inspector_score")))
        snprintf(line + strlen(line), sizeof(line) - strlen(line), "Inspector score %.1f",
                 v->valuedouble);
    if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(f, "epss_score")))
        snprintf(line + strlen(line), sizeof(line) - strlen(line), "%sEPSS %.5g",
                 line[0] ? ", " : "", v->valuedouble);
    md_field(b, "Scores", line[0] ? line : NULL);
    md_field(b, "Exploit available", str_of(f, "exploit_available"));
    md_field(b, "Fix available", str_of(f, "fix_available"));
    const cJSON *img = obj_of(f, "image");
    md_field(b, "Repository", str_of(img, "repository"));
    const cJSON *tags = obj_of(img, "tags");
    if (tags && cJSON_IsString(tags->child))
        md_field(b, "Tag", tags->child->valuestring);
    md_field(b, "Digest", str_of(img, "digest"));
    const cJSON *pkgs = obj_of(f, "packages");
    int shown = 0;
    for (const cJSON *p = pkgs ? pkgs->child : NULL; p && shown < CHAT_PACKAGES; p = p->next) {
        /* Plain escaped text, not a code span: escapes do not work inside one. */
        (void)sw_buf_append_str(b, shown ? ", " : "*Packages:* ");
        md(b, str_of(p, "name"));
        (void)sw_buf_append_char(b, ' ');
        md(b, str_of(p, "version"));
        const char *fixed = str_of(p, "fixed_in_version");
        if (fixed && strcmp(fixed, "NotAvailable") != 0) {
            (void)sw_buf_append_str(b, " \xE2\x86\x92 ");
            md(b, fixed);
        }
        shown++;
    }
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(f, "package_count");
    if (shown && cJSON_IsNumber(count) && count->valuedouble > shown)
        (void)sw_buf_appendf(b, " and %.0f more", count->valuedouble - shown);
    if (shown)
        (void)sw_buf_append_char(b, '\n');
    md_field(b, "Respond by", str_of(f, "respond_by"));
    const char *console = str_of(f, "console_url");
    if (console && md_own_url(console))
        (void)sw_buf_appendf(b, "*Console:* %s\n", console);
    else
        md_field(b, "Console", console);
}

static void md_scan(struct sw_buf *b, const cJSON *s)
{
    md_field(b, "Repository", str_of(s, "repository"));
    const cJSON *tags = obj_of(s, "tags");
    if (tags && cJSON_IsString(tags->child))
        md_field(b, "Tag", tags->child->valuestring);
    md_field(b, "Digest", str_of(s, "digest"));
    const cJSON *counts = obj_of(s, "counts");
    bool any = false;
    for (const cJSON *c = counts ? counts->child : NULL; c; c = c->next) {
        if (!cJSON_IsNumber(c) || c->valuedouble <= 0 || !c->string)
            continue;
        (void)sw_buf_appendf(b, "%s%.0f %s", any ? ", " : "*Findings:* ", c->valuedouble,
                             c->string);
        any = true;
    }
    if (any)
        (void)sw_buf_append_char(b, '\n');
    md_field(b, "Scan status", str_of(s, "scan_status"));
}

static void md_drift(struct sw_buf *b, const cJSON *d)
{
    const cJSON *drifts = obj_of(d, "drifts");
    (void)sw_buf_append_str(b, "*What drifted:*\n");
    for (const cJSON *it = drifts ? drifts->child : NULL; it; it = it->next) {
        (void)sw_buf_append_str(b, "\xE2\x80\xA2 ");
        md(b, str_of(it, "title"));
        (void)sw_buf_append_str(b, ": ");
        md(b, str_of(it, "before"));
        (void)sw_buf_append_str(b, " \xE2\x86\x92 ");
        md(b, str_of(it, "after"));
        (void)sw_buf_append_char(b, '\n');
    }
    const cJSON *actions = obj_of(d, "actions");
    if (actions && actions->child)
        (void)sw_buf_append_str(b, "*Actions:*\n");
    for (const cJSON *a = actions ? actions->child : NULL; a; a = a->next) {
        (void)sw_buf_append_str(b, "\xE2\x80\xA2 `");
        md(b, str_of(a, "api"));
        (void)sw_buf_append_str(b, "`: ");
        md(b, str_of(a, "result"));
        if (str_of(a, "error_code")) {
            (void)sw_buf_append_str(b, " (");
            md(b, str_of(a, "error_code"));
            (void)sw_buf_append_str(b, ")");
        }
        (void)sw_buf_append_char(b, '\n');
    }
    const cJSON *t = obj_of(d, "trigger");
    md_field(b, "Trigger", str_of(t, "type"));
    md_field(b, "Changed by", str_of(t, "actor_arn"));
    md_field(b, "API call", str_of(t, "event_name"));
}

static void md_summary(struct sw_buf *b, const cJSON *s)
{
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(s, "notification_count");
    const cJSON *limit = cJSON_GetObjectItemCaseSensitive(s, "limit");
    const char *cap = str_of(s, "cap");
    bool per_minute = cap && strcmp(cap, "MAX_NOTIFICATIONS_PER_MINUTE") == 0;
    if (cJSON_IsNumber(count) && cJSON_IsNumber(limit))
        (void)sw_buf_appendf(
            b,
            "*%.0f notifications* in one %s, over the limit of %.0f "
            "(%s):\n",
            count->valuedouble, per_minute ? "minute" : "invocation", limit->valuedouble,
            per_minute ? "MAX_NOTIFICATIONS_PER_MINUTE" : "MAX_NOTIFICATIONS_PER_INVOCATION");
    const cJSON *items = obj_of(s, "items");
    int shown = 0;
    for (const cJSON *it = items ? items->child : NULL; it && shown < CHAT_SUMMARY_ITEMS;
         it = it->next, shown++) {
        (void)sw_buf_append_str(b, "\xE2\x80\xA2 ");
        md(b, str_of(it, "subject"));
        (void)sw_buf_append_char(b, '\n');
    }
    if (cJSON_IsNumber(count) && count->valuedouble > shown)
        (void)sw_buf_appendf(b, "\xE2\x80\xA6 and %.0f more\n", count->valuedouble - shown);
}

static bool add_strings(cJSON *obj, const char *key, const char *const *values, size_t n)
{
    cJSON *arr = cJSON_AddArrayToObject(obj, key);
    if (!arr)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!values[i] || !values[i][0])
            continue;
        cJSON *s = cJSON_CreateString(values[i]);
        if (!s || !cJSON_AddItemToArray(arr, s)) {
            cJSON_Delete(s);
            return false;
        }
    }
    return true;
}

static cJSON *chat_payload(const struct sw_notification *n, const cJSON *doc, struct sw_buf *desc)
{
    const char *kind = str_of(doc, "kind");
    if (!kind)
        kind = "unknown";
    const cJSON *finding = obj_of(doc, "finding");
    const cJSON *scan = obj_of(doc, "scan");
    const cJSON *coverage = obj_of(doc, "coverage");
    const cJSON *drift = obj_of(doc, "drift");
    const cJSON *summary = obj_of(doc, "summary");
    char title[SW_SUBJECT_MAX_CHARS * 6 + 24];
    char thread[256];
    char next1[CHAT_FIELD_MAX * 6 + 8];

    /* The subject carries event text (a vulnerability id, an image name): escaped too. */
    size_t emoji = (size_t)snprintf(title, sizeof(title), "%s ", title_emoji(doc, kind));
    md_text(n->subject, SW_SUBJECT_MAX_CHARS, title + emoji, sizeof(title) - emoji);
    if (finding)
        md_finding(desc, finding);
    else if (scan)
        md_scan(desc, scan);
    else if (drift)
        md_drift(desc, drift);
    else if (summary)
        md_summary(desc, summary);
    else if (coverage) {
        md_field(desc, "Resource", str_of(coverage, "resource_id"));
        md_field(desc, "Scan status", str_of(coverage, "scan_status"));
        md_field(desc, "Reason", str_of(coverage, "reason"));
    }
    md_field(desc, "Account", str_of(doc, "account"));
    md_field(desc, "Region", str_of(doc, "region"));
    if (desc->len == 0)
        md(desc, sw_buf_cstr(&n->message));

    /* What the reader should do next. */
    const char *next[3] = {NULL, NULL, NULL};
    next1[0] = '\0';
    if (finding) {
        const char *fix = str_of(finding, "remediation");
        md_text(fix ? fix : "Update the vulnerable packages and rebuild the image", CHAT_FIELD_MAX,
                next1, sizeof(next1));
        next[0] = next1;
        if (str_of(finding, "respond_by"))
            next[1] = "Respond before the SLA deadline above";
    } else if (drift) {
        const char *outcome = str_of(drift, "outcome");
        next[0] = outcome && strcmp(outcome, "failed") == 0
                      ? "Check the failed action's error and the function's IAM permissions; the "
                        "invocation failed with RemediationFailed and will be retried"
                  : outcome && strcmp(outcome, "would-restore") == 0
                      ? "Review the drift; set REMEDIATION_MODE=enforce to restore it automatically"
                      : "Check with whoever made the change (see Changed by) that it was not "
                        "intended";
    } else if (coverage) {
        next[0] = "Check the repository's scan settings, or push or pull the image to make it "
                  "eligible for scanning again";
    } else if (scan) {
        next[0] = "Open the image's findings in the Inspector console";
    } else if (summary) {
        next[0] = "Each notification is listed in the JSON document (SQS, Lambda, HTTP "
                  "subscribers) and in the e-mail";
    }

    /* Keywords: kind, severity, priority, account, region. */
    const char *priority = str_of(doc, "priority");
    const char *keywords[5] = {kind, str_of(doc, "severity"),
                               priority && strcmp(priority, "high") == 0 ? "high-priority" : NULL,
                               str_of(doc, "account"), str_of(doc, "region")};
    /* Related resources and a thread per subject of the notification. */
    const char *related[3] = {NULL, NULL, NULL};
    if (finding) {
        related[0] = str_of(finding, "finding_arn");
        related[1] = str_of(obj_of(finding, "image"), "resource_id");
        snprintf(thread, sizeof(thread), "scanwarden-finding-%.60s-%.120s",
                 str_of(finding, "vulnerability_id") ? str_of(finding, "vulnerability_id") : "",
                 str_of(obj_of(finding, "image"), "repository")
                     ? str_of(obj_of(finding, "image"), "repository")
                     : "");
    } else if (coverage) {
        related[0] = str_of(coverage, "resource_id");
        snprintf(thread, sizeof(thread), "scanwarden-coverage-%.200s",
                 related[0] ? related[0] : "");
    } else if (scan) {
        snprintf(thread, sizeof(thread), "scanwarden-scan-%.200s",
                 str_of(scan, "repository") ? str_of(scan, "repository") : "");
    } else {
        snprintf(thread, sizeof(thread), "scanwarden-%s-%s-%s", kind,
                 str_of(doc, "account") ? str_of(doc, "account") : "",
                 str_of(doc, "region") ? str_of(doc, "region") : "");
    }

    cJSON *root = cJSON_CreateObject();
    cJSON *content = root ? cJSON_AddObjectToObject(root, "content") : NULL;
    cJSON *meta = root ? cJSON_AddObjectToObject(root, "metadata") : NULL;
    cJSON *ctx = meta ? cJSON_AddObjectToObject(meta, "additionalContext") : NULL;
    bool ok = ctx && cJSON_AddStringToObject(root, "version", "1.0") &&
              cJSON_AddStringToObject(root, "source", "custom") &&
              cJSON_AddStringToObject(content, "textType", "client-markdown") &&
              cJSON_AddStringToObject(content, "title", title) &&
              cJSON_AddStringToObject(content, "description", sw_buf_cstr(desc)) &&
              add_strings(content, "nextSteps", next, 3) &&
              add_strings(content, "keywords", keywords, 5) &&
              cJSON_AddStringToObject(meta, "threadId", thread) &&
              cJSON_AddStringToObject(meta, "summary", n->subject) &&
              cJSON_AddStringToObject(meta, "eventType", kind) &&
              add_strings(meta, "relatedResources", related, 3);
    static const char *const context_keys[] = {"kind",     "account", "region",      "severity",
                                               "priority", "mode",    "generated_at"};
    for (size_t i = 0; ok && i < sizeof(context_keys) / sizeof(context_keys[0]); i++) {
        const char *v = str_of(doc, context_keys[i]);
        if (v)
            ok = cJSON_AddStringToObject(ctx, context_keys[i], v) != NULL;
    }
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

int sw_wire_chat(const struct sw_notification *n, struct sw_buf *out, struct sw_error *err)
{
    struct sw_buf desc;
    int rc;
    sw_buf_init(&desc, SW_WIRE_CHAT_DESCRIPTION_MAX);
    cJSON *doc = full_document(n);
    cJSON *chat = doc ? chat_payload(n, doc, &desc) : NULL;
    if (!chat)
        rc = sw_error_set(err, SW_ENOMEM, "building the chat notification: out of memory");
    else
        rc = print_within(chat, SW_WIRE_CHAT_MAX, false, out, "chat notification", err);
    cJSON_Delete(chat);
    cJSON_Delete(doc);
    sw_buf_free(&desc);
    return rc;
}

/* ---- the message structure ---- */

/* Bytes cJSON prints for s[0..len) inside a string. */
static size_t escaped_cost(unsigned char c)
{
    if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t')
        return 2;
    return c < 0x20 ? 6 : 1;
}

static size_t escaped_len(const char *s, size_t len)
{
    size_t total = 0;
    for (size_t i = 0; i < len; i++)
        total += escaped_cost((unsigned char)s[i]);
    return total;
}

/* Longest prefix of s whose escaped length is at most budget, on a UTF-8 boundary. */
static size_t escaped_prefix(const char *s, size_t len, size_t budget)
{
    size_t used = 0;
    size_t i = 0;
    while (i < len && used + escaped_cost((unsigned char)s[i]) <= budget) {
        used += escaped_cost((unsigned char)s[i]);
        i++;
    }
    return sw_text_utf8_prefix(s, len, i);
}

static size_t attribute_overhead(const struct sw_notification *n)
{
    size_t overhead = strlen(n->subject);
    for (size_t i = 0; i < n->attribute_count; i++)
        overhead += strlen(n->attributes[i].name) + strlen(n->attributes[i].value) + 6;
    return overhead;
}

static cJSON *structure(const char *text, const char *doc, const char *https)
{
    static const char *const keys[] = {"default", "email", "sqs", "lambda", "http", "https"};
    const char *values[] = {text, text, doc, doc, doc, https};
    cJSON *root = cJSON_CreateObject();
    for (size_t i = 0; root && i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (!cJSON_AddStringToObject(root, keys[i], values[i])) {
            cJSON_Delete(root);
            return NULL;
        }
    }
    return root;
}

int sw_wire_build(const struct sw_notification *n, enum sw_chat_format chat,
                  struct sw_notification *wire, struct sw_error *err)
{
    struct sw_buf doc;
    struct sw_buf https;
    char *text = NULL;
    char *printed = NULL;
    cJSON *root = NULL;
    int rc;

    sw_buf_init(&doc, SW_WIRE_DOCUMENT_MAX);
    sw_buf_init(&https, SW_WIRE_CHAT_MAX);
    rc = sw_wire_document(n, &doc, err);
    if (rc)
        goto out_bufs;
    if (chat == SW_CHAT_FORMAT_CHATBOT) {
        rc = sw_wire_chat(n, &https, err);
        if (rc)
            goto out_bufs;
    }
    const char *https_payload =
        chat == SW_CHAT_FORMAT_CHATBOT ? sw_buf_cstr(&https) : sw_buf_cstr(&doc);

    /* What the structure costs without the text, then what the two text copies may use. */
    size_t overhead = attribute_overhead(n);
    size_t budget = SW_SNS_MESSAGE_MAX_BYTES > overhead ? SW_SNS_MESSAGE_MAX_BYTES - overhead : 0;
    root = structure("", sw_buf_cstr(&doc), https_payload);
    printed = root ? cJSON_PrintUnformatted(root) : NULL;
    if (!printed) {
        rc = sw_error_set(err, SW_ENOMEM, "building the message structure: out of memory");
        goto out_json;
    }
    size_t fixed = strlen(printed);
    cJSON_free(printed);
    printed = NULL;
    cJSON_Delete(root);
    root = NULL;
    if (fixed >= budget) {
        rc = sw_error_set(err, SW_ELIMIT, "the message structure does not fit in 256 KiB");
        goto out_json;
    }
    size_t per_copy = (budget - fixed) / 2;
    const char *msg = sw_buf_cstr(&n->message);
    size_t len = n->message.len;
    size_t marker = strlen(SW_WIRE_TEXT_CUT_MARKER);
    size_t keep = len;
    if (escaped_len(msg, len) > per_copy) {
        size_t room = per_copy > escaped_len(SW_WIRE_TEXT_CUT_MARKER, marker)
                          ? per_copy - escaped_len(SW_WIRE_TEXT_CUT_MARKER, marker)
                          : 0;
        keep = escaped_prefix(msg, len, room);
    }
    text = malloc(keep + marker + 1);
    if (!text) {
        rc = sw_error_set(err, SW_ENOMEM, "building the message structure: out of memory");
        goto out_json;
    }
    memcpy(text, msg, keep);
    if (keep < len)
        memcpy(text + keep, SW_WIRE_TEXT_CUT_MARKER, marker + 1);
    else
        text[keep] = '\0';
    if (text[0] == '\0') {
        rc = sw_error_set(err, SW_EINVAL, "the notification has no text");
        goto out_json;
    }

    root = structure(text, sw_buf_cstr(&doc), https_payload);
    printed = root ? cJSON_PrintUnformatted(root) : NULL;
    if (!printed) {
        rc = sw_error_set(err, SW_ENOMEM, "building the message structure: out of memory");
        goto out_json;
    }
    size_t plen = strlen(printed);
    if (plen > budget) {
        rc = sw_error_set(err, SW_EINTERNAL, "the message structure is %zu bytes, over %zu", plen,
                          budget);
        goto out_json;
    }
    plen = sw_text_sanitize_utf8(printed, plen);
    sw_buf_reset(&wire->message);
    rc = sw_buf_append(&wire->message, printed, plen);
    if (rc) {
        sw_error_set(err, rc, "the message structure: %s", sw_strerror(rc));
        goto out_json;
    }
    memcpy(wire->subject, n->subject, sizeof(wire->subject));
    memcpy(wire->attributes, n->attributes, sizeof(wire->attributes));
    wire->attribute_count = n->attribute_count;
    wire->generated_ms = n->generated_ms;

out_json:
    cJSON_free(printed);
    cJSON_Delete(root);
    free(text);
out_bufs:
    sw_buf_free(&https);
    sw_buf_free(&doc);
    return rc;
}
