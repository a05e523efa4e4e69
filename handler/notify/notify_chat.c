/* sw_chat: a notification as Amazon Q Developer in chat applications shows it.
 *
 * With CHAT_FORMAT=chatbot, HTTPS subscribers get a custom notification
 * (docs/chatbot-notification.schema.json) instead of the JSON document: a title, a short
 * Markdown description, next steps, keywords and a thread id, read from the full document.
 * Every event-derived value is escaped so it shows as text, never as mark-up or a mention.
 * Sizing and printing are left to notify_wire.c. Pure. */
#include "handler/notify/notify_chat.h"

#include "handler/core/text.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define CHAT_PACKAGES 5 /* packages named in a chat message */
#define CHAT_SUMMARY_ITEMS 10
#define CHAT_FIELD_MAX 300 /* bytes of one value in a chat message */

/* The kind-specific parts of the document; at most one is not NULL. */
struct chat_parts {
    const cJSON *finding;
    const cJSON *scan;
    const cJSON *coverage;
    const cJSON *drift;
    const cJSON *summary;
};

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

/* Repository, first tag and digest of an object that has them (a finding's image, a scan). */
static void md_image(struct sw_buf *b, const cJSON *img)
{
    md_field(b, "Repository", str_of(img, "repository"));
    const cJSON *tags = obj_of(img, "tags");
    if (tags && cJSON_IsString(tags->child))
        md_field(b, "Tag", tags->child->valuestring);
    md_field(b, "Digest", str_of(img, "digest"));
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
    md_image(b, obj_of(f, "image"));
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
    md_image(b, s);
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

/* The chat title: an emoji for the kind or severity, then the subject, escaped (it carries
 * event text: a vulnerability id, an image name). */
static void chat_title(const struct sw_notification *n, const cJSON *doc, const char *kind,
                       char *title, size_t cap)
{
    size_t emoji = (size_t)snprintf(title, cap, "%s ", title_emoji(doc, kind));
    md_text(n->subject, SW_SUBJECT_MAX_CHARS, title + emoji, cap - emoji);
}

/* An organization run cut by the deadline (document "organization"."run"): what it reached. */
static void md_org_cut(struct sw_buf *b, const cJSON *doc)
{
    const cJSON *run = obj_of(obj_of(doc, "organization"), "run");
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(run, "cut")))
        return;
    double v[5];
    static const char *const keys[] = {"checked", "members", "restored", "failed", "not_reached"};
    for (size_t i = 0; i < 5; i++) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(run, keys[i]);
        v[i] = cJSON_IsNumber(x) ? x->valuedouble : 0;
    }
    (void)sw_buf_appendf(b,
                         "*Run cut by the deadline*: %.0f of %.0f member(s) checked, %.0f "
                         "restored, %.0f failed, %.0f not reached; the next scheduled run "
                         "continues where this one stopped.\n",
                         v[0], v[1], v[2], v[3], v[4]);
}

/* The description: the kind's own fields, then account and region; the text when empty. */
static void chat_description(const struct sw_notification *n, const cJSON *doc,
                             const struct chat_parts *p, struct sw_buf *desc)
{
    if (p->finding)
        md_finding(desc, p->finding);
    else if (p->scan)
        md_scan(desc, p->scan);
    else if (p->drift) {
        md_org_cut(desc, doc);
        md_drift(desc, p->drift);
    } else if (p->summary)
        md_summary(desc, p->summary);
    else if (p->coverage) {
        md_field(desc, "Resource", str_of(p->coverage, "resource_id"));
        md_field(desc, "Scan status", str_of(p->coverage, "scan_status"));
        md_field(desc, "Reason", str_of(p->coverage, "reason"));
    }
    md_field(desc, "Account", str_of(doc, "account"));
    md_field(desc, "Region", str_of(doc, "region"));
    if (desc->len == 0)
        md(desc, sw_buf_cstr(&n->message));
}

/* What the reader should do next: up to 3 steps in next (unused ones NULL); fix receives the
 * escaped remediation of a finding. */
static void chat_next_steps(const struct chat_parts *p, const char *next[3], char *fix_out,
                            size_t cap)
{
    fix_out[0] = '\0';
    if (p->finding) {
        const char *fix = str_of(p->finding, "remediation");
        md_text(fix ? fix : "Update the vulnerable packages and rebuild the image", CHAT_FIELD_MAX,
                fix_out, cap);
        next[0] = fix_out;
        if (str_of(p->finding, "respond_by"))
            next[1] = "Respond before the SLA deadline above";
    } else if (p->drift) {
        const char *outcome = str_of(p->drift, "outcome");
        next[0] = outcome && strcmp(outcome, "failed") == 0
                      ? "Check the failed action's error and the function's IAM permissions; the "
                        "invocation failed with RemediationFailed and will be retried"
                  : outcome && strcmp(outcome, "would-restore") == 0
                      ? "Review the drift; set REMEDIATION_MODE=enforce to restore it automatically"
                      : "Check with whoever made the change (see Changed by) that it was not "
                        "intended";
    } else if (p->coverage) {
        next[0] = "Check the repository's scan settings, or push or pull the image to make it "
                  "eligible for scanning again";
    } else if (p->scan) {
        next[0] = "Open the image's findings in the Inspector console";
    } else if (p->summary) {
        next[0] = "Each notification is listed in the JSON document (SQS, Lambda, HTTP "
                  "subscribers) and in the e-mail";
    }
}

/* Related resources (up to 3, unused ones NULL) and one thread per subject of the
 * notification (a finding in a repository, a resource, a repository, else kind/account/region). */
static void chat_thread(const cJSON *doc, const char *kind, const struct chat_parts *p,
                        const char *related[3], char *thread, size_t cap)
{
    if (p->finding) {
        const char *id = str_of(p->finding, "vulnerability_id");
        const char *repo = str_of(obj_of(p->finding, "image"), "repository");
        related[0] = str_of(p->finding, "finding_arn");
        related[1] = str_of(obj_of(p->finding, "image"), "resource_id");
        snprintf(thread, cap, "scanwarden-finding-%.60s-%.120s", id ? id : "", repo ? repo : "");
    } else if (p->coverage) {
        related[0] = str_of(p->coverage, "resource_id");
        snprintf(thread, cap, "scanwarden-coverage-%.200s", related[0] ? related[0] : "");
    } else if (p->scan) {
        const char *repo = str_of(p->scan, "repository");
        snprintf(thread, cap, "scanwarden-scan-%.200s", repo ? repo : "");
    } else {
        const char *account = str_of(doc, "account");
        const char *region = str_of(doc, "region");
        snprintf(thread, cap, "scanwarden-%s-%s-%s", kind, account ? account : "",
                 region ? region : "");
    }
}

/* metadata.additionalContext: the document's common fields, when present. */
static bool chat_context(cJSON *ctx, const cJSON *doc)
{
    static const char *const context_keys[] = {"kind",     "account", "region",      "severity",
                                               "priority", "mode",    "generated_at"};
    bool ok = true;
    for (size_t i = 0; ok && i < sizeof(context_keys) / sizeof(context_keys[0]); i++) {
        const char *v = str_of(doc, context_keys[i]);
        if (v)
            ok = cJSON_AddStringToObject(ctx, context_keys[i], v) != NULL;
    }
    return ok;
}

cJSON *sw_chat_payload(const struct sw_notification *n, const cJSON *doc)
{
    const char *kind = str_of(doc, "kind") ? str_of(doc, "kind") : "unknown";
    const struct chat_parts p = {obj_of(doc, "finding"), obj_of(doc, "scan"),
                                 obj_of(doc, "coverage"), obj_of(doc, "drift"),
                                 obj_of(doc, "summary")};
    char title[SW_SUBJECT_MAX_CHARS * 6 + 24];
    char thread[256];
    char fix[CHAT_FIELD_MAX * 6 + 8];
    const char *next[3] = {NULL, NULL, NULL};
    const char *related[3] = {NULL, NULL, NULL};
    struct sw_buf desc;

    sw_buf_init(&desc, SW_CHAT_DESCRIPTION_MAX);
    chat_title(n, doc, kind, title, sizeof(title));
    chat_description(n, doc, &p, &desc);
    chat_next_steps(&p, next, fix, sizeof(fix));
    chat_thread(doc, kind, &p, related, thread, sizeof(thread));
    /* Keywords: kind, severity, priority, account, region. */
    const char *priority = str_of(doc, "priority");
    const char *keywords[5] = {kind, str_of(doc, "severity"),
                               priority && strcmp(priority, "high") == 0 ? "high-priority" : NULL,
                               str_of(doc, "account"), str_of(doc, "region")};

    cJSON *root = cJSON_CreateObject();
    cJSON *content = root ? cJSON_AddObjectToObject(root, "content") : NULL;
    cJSON *meta = root ? cJSON_AddObjectToObject(root, "metadata") : NULL;
    cJSON *ctx = meta ? cJSON_AddObjectToObject(meta, "additionalContext") : NULL;
    bool ok = ctx && cJSON_AddStringToObject(root, "version", "1.0") &&
              cJSON_AddStringToObject(root, "source", "custom") &&
              cJSON_AddStringToObject(content, "textType", "client-markdown") &&
              cJSON_AddStringToObject(content, "title", title) &&
              cJSON_AddStringToObject(content, "description", sw_buf_cstr(&desc)) &&
              add_strings(content, "nextSteps", next, 3) &&
              add_strings(content, "keywords", keywords, 5) &&
              cJSON_AddStringToObject(meta, "threadId", thread) &&
              cJSON_AddStringToObject(meta, "summary", n->subject) &&
              cJSON_AddStringToObject(meta, "eventType", kind) &&
              add_strings(meta, "relatedResources", related, 3) && chat_context(ctx, doc);
    sw_buf_clear(&desc);
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}
