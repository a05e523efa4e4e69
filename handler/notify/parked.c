/* sw_parked: the parked notification's queue message, both ways (see parked.h). */
#include "handler/notify/parked.h"

#include "handler/core/text.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALUE_MAX ((size_t)256 * 1024) /* SQS's limit for a whole message */

void sw_parked_init(struct sw_parked *p)
{
    memset(p, 0, sizeof(*p));
    sw_buf_init(&p->body, VALUE_MAX);
    for (size_t i = 0; i < SW_PARKED_ATTRIBUTES; i++)
        sw_buf_init(&p->values[i], VALUE_MAX);
}

void sw_parked_clear(struct sw_parked *p)
{
    sw_buf_clear(&p->body);
    for (size_t i = 0; i < SW_PARKED_ATTRIBUTES; i++)
        sw_buf_clear(&p->values[i]);
    p->count = 0;
}

void sw_parked_dedup_key(const char *event_id, const char *kind, const char *subject,
                         char out[SW_PARKED_KEY_MAX])
{
    uint64_t h = UINT64_C(14695981039346656037); /* FNV-1a 64 */
    for (const unsigned char *s = (const unsigned char *)(subject ? subject : ""); *s; s++) {
        h ^= *s;
        h *= UINT64_C(1099511628211);
    }
    snprintf(out, SW_PARKED_KEY_MAX, "%.200s/%.64s/%016" PRIx64,
             event_id && *event_id ? event_id : "none", kind && *kind ? kind : "unknown", h);
}

static int add(struct sw_parked *p, const char *name, const char *value, size_t len)
{
    if (len == 0)
        return 0; /* SQS refuses empty attribute values */
    struct sw_buf *b = &p->values[p->count];
    sw_buf_reset(b);
    int rc = sw_buf_append(b, value, len);
    if (rc == 0)
        p->names[p->count++] = name;
    return rc;
}

int sw_parked_build(const struct sw_notification *wire, const char *event_id, const char *reason,
                    struct sw_parked *p, struct sw_error *err)
{
    char key[SW_PARKED_KEY_MAX];
    int rc = 0;
    p->count = 0;
    sw_buf_reset(&p->body);
    cJSON *structure = cJSON_ParseWithLength(wire->message.data, wire->message.len);
    const cJSON *doc = cJSON_GetObjectItemCaseSensitive(structure, "sqs");
    cJSON *attrs = cJSON_CreateObject();
    char *attrs_text = NULL;
    if (!cJSON_IsString(doc) || !doc->valuestring[0]) {
        rc = sw_error_set(err, SW_EINVAL,
                          "parking: the notification has no JSON document (\"sqs\") to park");
        goto out;
    }
    for (size_t i = 0; attrs && i < wire->attribute_count; i++) {
        if (!cJSON_AddStringToObject(attrs, wire->attributes[i].name, wire->attributes[i].value))
            break;
    }
    attrs_text = attrs ? cJSON_PrintUnformatted(attrs) : NULL;
    if (!attrs_text) {
        rc = sw_error_set(err, SW_ENOMEM, "parking: out of memory");
        goto out;
    }
    const char *id = event_id && *event_id ? event_id : "none";
    const char *kind = sw_notification_attribute(wire, "event_kind");
    size_t reason_len =
        reason ? sw_text_utf8_prefix(reason, strlen(reason), SW_PARKED_REASON_MAX) : 0;
    sw_parked_dedup_key(id, kind, wire->subject, key);
    rc = sw_buf_append_str(&p->body, doc->valuestring);
    if (!rc)
        rc = add(p, SW_PARKED_ATTR_MARKER, SW_PARKED_VERSION, strlen(SW_PARKED_VERSION));
    if (!rc)
        rc = add(p, SW_PARKED_ATTR_REASON, reason_len ? reason : "unknown",
                 reason_len ? reason_len : strlen("unknown"));
    if (!rc)
        rc = add(p, SW_PARKED_ATTR_EVENT_ID, id, strlen(id));
    if (!rc)
        rc = add(p, SW_PARKED_ATTR_DEDUP_KEY, key, strlen(key));
    if (!rc)
        rc = add(p, SW_PARKED_ATTR_SUBJECT, wire->subject, strlen(wire->subject));
    if (!rc)
        rc = add(p, SW_PARKED_ATTR_SNS_MESSAGE, wire->message.data, wire->message.len);
    if (!rc)
        rc = add(p, SW_PARKED_ATTR_SNS_ATTRIBUTES, attrs_text, strlen(attrs_text));
    if (rc)
        rc = sw_error_set(err, SW_ENOMEM, "parking: out of memory");
out:
    free(attrs_text);
    cJSON_Delete(attrs);
    cJSON_Delete(structure);
    return rc;
}

int sw_parked_restore(sw_parked_attr_fn attr, const void *msg, struct sw_notification *wire,
                      struct sw_error *err)
{
    const char *marker = attr(msg, SW_PARKED_ATTR_MARKER);
    const char *message = attr(msg, SW_PARKED_ATTR_SNS_MESSAGE);
    const char *attributes = attr(msg, SW_PARKED_ATTR_SNS_ATTRIBUTES);
    const char *subject = attr(msg, SW_PARKED_ATTR_SUBJECT);
    if (!marker)
        return sw_error_set(err, SW_EINVAL, "not a parked notification (no %s attribute)",
                            SW_PARKED_ATTR_MARKER);
    if (strcmp(marker, SW_PARKED_VERSION) != 0)
        return sw_error_set(err, SW_EINVAL, "parked by another version (%s %.16s, expected %s)",
                            SW_PARKED_ATTR_MARKER, marker, SW_PARKED_VERSION);
    if (!message || !*message)
        return sw_error_set(err, SW_EINVAL, "parked notification without %s",
                            SW_PARKED_ATTR_SNS_MESSAGE);
    cJSON *a = attributes ? cJSON_Parse(attributes) : NULL;
    if (attributes && !cJSON_IsObject(a)) {
        cJSON_Delete(a);
        return sw_error_set(err, SW_EINVAL, "parked notification: %s is not a JSON object",
                            SW_PARKED_ATTR_SNS_ATTRIBUTES);
    }
    int rc = 0;
    sw_buf_reset(&wire->message);
    wire->attribute_count = 0;
    sw_notification_set_subject(wire, subject ? subject : "");
    if (sw_buf_append_str(&wire->message, message) != 0)
        rc = sw_error_set(err, SW_ENOMEM, "parked notification: message too large");
    for (const cJSON *m = a ? a->child : NULL; !rc && m; m = m->next) {
        if (!cJSON_IsString(m) || !m->string ||
            sw_notification_add_attribute(wire, m->string, m->valuestring) != 0)
            rc = sw_error_set(err, SW_EINVAL, "parked notification: bad SNS attribute in %s",
                              SW_PARKED_ATTR_SNS_ATTRIBUTES);
    }
    cJSON_Delete(a);
    return rc;
}
