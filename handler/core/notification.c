/* sw_notification: the SNS message struct and the docs/contract.md §4 limits applied to it. */
#include "handler/core/notification.h"

#include "handler/core/error.h"
#include "handler/core/text.h"

#include <cjson/cJSON.h>
#include <string.h>

void sw_notification_init(struct sw_notification *n)
{
    memset(n, 0, sizeof(*n));
    sw_buf_init(&n->message, SW_MESSAGE_BUILD_MAX_BYTES);
}

void sw_notification_clear(struct sw_notification *n)
{
    sw_buf_clear(&n->message);
    cJSON_Delete(n->document);
    n->document = NULL;
    n->attribute_count = 0;
    n->subject[0] = '\0';
}

void sw_notification_set_document(struct sw_notification *n, struct cJSON *obj)
{
    if (n->document != obj)
        cJSON_Delete(n->document);
    n->document = obj;
}

void sw_notification_move(struct sw_notification *dst, struct sw_notification *src)
{
    if (dst == src)
        return;
    sw_notification_clear(dst);
    *dst = *src;
    sw_notification_init(src);
}

void sw_notification_set_subject(struct sw_notification *n, const char *utf8)
{
    sw_text_ascii_line(utf8, n->subject, sizeof(n->subject), SW_SUBJECT_MAX_CHARS);
}

int sw_notification_add_attribute(struct sw_notification *n, const char *name, const char *value)
{
    if (n->attribute_count >= SW_ATTRIBUTES_MAX || strlen(name) >= SW_ATTRIBUTE_NAME_MAX)
        return SW_ELIMIT;
    struct sw_attribute *a = &n->attributes[n->attribute_count];
    if (value == NULL ||
        sw_text_ascii_line(value, a->value, sizeof(a->value), SW_ATTRIBUTE_VALUE_MAX - 1) == 0)
        return 0; /* nothing usable left: SNS refuses an empty value, so it is left out */
    memcpy(a->name, name, strlen(name) + 1);
    n->attribute_count++;
    return 0;
}

const char *sw_notification_attribute(const struct sw_notification *n, const char *name)
{
    for (size_t i = 0; i < n->attribute_count; i++) {
        if (strcmp(n->attributes[i].name, name) == 0)
            return n->attributes[i].value;
    }
    return NULL;
}

void sw_notification_finish(struct sw_notification *n)
{
    size_t overhead = strlen(n->subject);
    for (size_t i = 0; i < n->attribute_count; i++)
        overhead += strlen(n->attributes[i].name) + strlen(n->attributes[i].value) + 6;

    if (!n->message.data)
        return;
    n->message.len = sw_text_sanitize_utf8(n->message.data, n->message.len);
    size_t budget = SW_SNS_MESSAGE_MAX_BYTES - overhead;
    if (n->message.len <= budget)
        return;
    size_t marker = strlen(SW_TRUNCATION_MARKER);
    size_t keep = sw_text_utf8_prefix(n->message.data, n->message.len, budget - marker);
    memcpy(n->message.data + keep, SW_TRUNCATION_MARKER, marker + 1);
    n->message.len = keep + marker;
}
