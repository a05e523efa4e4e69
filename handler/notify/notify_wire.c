/* sw_notify_wire: the per-protocol messages of one notification (MessageStructure=json).
 *
 * Subscribers differ: a person reads the e-mail text, a pipeline parses the JSON document,
 * a chat channel renders Amazon Q Developer's custom-notification format. SNS carries all
 * three in one Publish, under one 256 KiB limit, so the sizes are decided here: the
 * document and chat payload have fixed ceilings, the text gets what is left (computed from
 * JSON escaping exactly, not guessed), and the result is checked once more. */
#include "handler/notify/notify_wire.h"

#include "handler/notify/notify_chat.h"
#include "handler/core/text.h"
#include "handler/core/timeparse.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHRINK_ROUNDS 24

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

/* The complete document of n (common fields + n->document) as compact JSON into out (reset
 * first), at most SW_WIRE_DOCUMENT_MAX bytes (long lists halved, then long strings cut, with
 * "truncated": true). */
static int wire_document(const struct sw_notification *n, struct sw_buf *out, struct sw_error *err)
{
    cJSON *root = full_document(n);
    if (!root)
        return sw_error_set(err, SW_ENOMEM, "building the notification document: out of memory");
    int rc = print_within(root, SW_WIRE_DOCUMENT_MAX, true, out, "notification document", err);
    cJSON_Delete(root);
    return rc;
}

/* ---- chat ---- */

int sw_wire_chat(const struct sw_notification *n, struct sw_buf *out, struct sw_error *err)
{
    int rc;
    cJSON *doc = full_document(n);
    cJSON *chat = doc ? sw_chat_payload(n, doc) : NULL;
    if (!chat)
        rc = sw_error_set(err, SW_ENOMEM, "building the chat notification: out of memory");
    else
        rc = print_within(chat, SW_WIRE_CHAT_MAX, false, out, "chat notification", err);
    cJSON_Delete(chat);
    cJSON_Delete(doc);
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

/* Bytes the message structure prints to with an empty text; SW_ENOMEM when out of memory. */
static int fixed_size(const char *doc, const char *https, size_t *size, struct sw_error *err)
{
    cJSON *root = structure("", doc, https);
    char *printed = root ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (!printed)
        return sw_error_set(err, SW_ENOMEM, "building the message structure: out of memory");
    *size = strlen(printed);
    cJSON_free(printed);
    return 0;
}

/* n's text, cut with SW_WIRE_TEXT_CUT_MARKER so that it escapes to at most per_copy bytes,
 * as a new string (caller frees); NULL when out of memory. */
static char *text_within(const struct sw_notification *n, size_t per_copy)
{
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
    char *text = malloc(keep + marker + 1);
    if (!text)
        return NULL;
    memcpy(text, msg, keep);
    if (keep < len)
        memcpy(text + keep, SW_WIRE_TEXT_CUT_MARKER, marker + 1);
    else
        text[keep] = '\0';
    return text;
}

/* Prints the structure of text, doc and https into wire->message, checked against budget,
 * and copies n's subject, attributes and time into wire. */
static int emit(const struct sw_notification *n, const char *text, const char *doc,
                const char *https, size_t budget, struct sw_notification *wire,
                struct sw_error *err)
{
    int rc = 0;
    cJSON *root = structure(text, doc, https);
    char *printed = root ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (!printed)
        return sw_error_set(err, SW_ENOMEM, "building the message structure: out of memory");
    size_t plen = strlen(printed);
    if (plen > budget) {
        rc = sw_error_set(err, SW_EINTERNAL, "the message structure is %zu bytes, over %zu", plen,
                          budget);
        goto out;
    }
    plen = sw_text_sanitize_utf8(printed, plen);
    sw_buf_reset(&wire->message);
    rc = sw_buf_append(&wire->message, printed, plen);
    if (rc) {
        sw_error_set(err, rc, "the message structure: %s", sw_strerror(rc));
        goto out;
    }
    memcpy(wire->subject, n->subject, sizeof(wire->subject));
    memcpy(wire->attributes, n->attributes, sizeof(wire->attributes));
    wire->attribute_count = n->attribute_count;
    wire->generated_ms = n->generated_ms;
out:
    cJSON_free(printed);
    return rc;
}

int sw_wire_build(const struct sw_notification *n, enum sw_chat_format chat,
                  struct sw_notification *wire, struct sw_error *err)
{
    struct sw_buf doc;
    struct sw_buf https;
    char *text = NULL;
    size_t fixed = 0;
    int rc;

    sw_buf_init(&doc, SW_WIRE_DOCUMENT_MAX);
    sw_buf_init(&https, SW_WIRE_CHAT_MAX);
    rc = wire_document(n, &doc, err);
    if (rc == 0 && chat == SW_CHAT_FORMAT_CHATBOT)
        rc = sw_wire_chat(n, &https, err);
    if (rc)
        goto out;
    const char *https_payload =
        chat == SW_CHAT_FORMAT_CHATBOT ? sw_buf_cstr(&https) : sw_buf_cstr(&doc);

    /* What the structure costs without the text, then what the two text copies may use. */
    size_t overhead = attribute_overhead(n);
    size_t budget = SW_SNS_MESSAGE_MAX_BYTES > overhead ? SW_SNS_MESSAGE_MAX_BYTES - overhead : 0;
    rc = fixed_size(sw_buf_cstr(&doc), https_payload, &fixed, err);
    if (rc)
        goto out;
    if (fixed >= budget) {
        rc = sw_error_set(err, SW_ELIMIT, "the message structure does not fit in 256 KiB");
        goto out;
    }
    text = text_within(n, (budget - fixed) / 2);
    if (!text)
        rc = sw_error_set(err, SW_ENOMEM, "building the message structure: out of memory");
    else if (text[0] == '\0')
        rc = sw_error_set(err, SW_EINVAL, "the notification has no text");
    else
        rc = emit(n, text, sw_buf_cstr(&doc), https_payload, budget, wire, err);
out:
    free(text);
    sw_buf_clear(&https);
    sw_buf_clear(&doc);
    return rc;
}
