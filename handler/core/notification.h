/* sw_notification: one SNS message as the builders produce it and the publisher sends it.
 *
 * Builders (notify_*.c) are pure: they fill this struct from parsed events or a
 * drift decision. sw_notification_finish enforces docs/contract.md §4 (ASCII subject of at most
 * 99 characters, message of at most 256 KiB cut on a UTF-8 boundary with a marker,
 * at most 10 String attributes) so no builder has to. */
#ifndef SW_NOTIFICATION_H
#define SW_NOTIFICATION_H

#include "handler/core/buf.h"

#include <stddef.h>
#include <stdint.h>

struct cJSON; /* the machine-readable document (handler/notify/notify_wire.h prints it) */

#define SW_SUBJECT_MAX_CHARS 99
#define SW_SNS_MESSAGE_MAX_BYTES ((size_t)256 * 1024)
/* Builders may write more than SNS accepts; finish cuts it. Past this, appends fail. */
#define SW_MESSAGE_BUILD_MAX_BYTES ((size_t)4 * 1024 * 1024)
#define SW_ATTRIBUTES_MAX 10
#define SW_ATTRIBUTE_NAME_MAX 64
#define SW_ATTRIBUTE_VALUE_MAX 256
#define SW_TRUNCATION_MARKER "\n\n[... message truncated: SNS accepts at most 256 KiB ...]\n"

struct sw_attribute {
    char name[SW_ATTRIBUTE_NAME_MAX];
    char value[SW_ATTRIBUTE_VALUE_MAX];
};

struct sw_notification {
    char subject[SW_SUBJECT_MAX_CHARS + 1];
    struct sw_buf message;
    struct sw_attribute attributes[SW_ATTRIBUTES_MAX];
    size_t attribute_count;
    /* Owned, or NULL: the kind-specific part of the machine-readable document (an object
     * whose members follow docs/notification.schema.json: "finding", "scan", "coverage",
     * "drift" or "summary"). Builders fill it beside the text; notify_wire.c adds the common
     * fields (schema version, kind, account, region, severity, subject, time). */
    struct cJSON *document;
    int64_t generated_ms; /* when the pipeline produced it (Unix ms); 0 = unknown */
};

void sw_notification_init(struct sw_notification *n);
void sw_notification_clear(struct sw_notification *n);

/* Takes ownership of obj (a cJSON object) as the document, freeing any previous one. */
void sw_notification_set_document(struct sw_notification *n, struct cJSON *obj);

/* Moves everything from src into dst (dst freed first); src is left initialised and empty. */
void sw_notification_move(struct sw_notification *dst, struct sw_notification *src);

/* Sets the subject from UTF-8 text, rendered ASCII by sw_text_ascii_line. */
void sw_notification_set_subject(struct sw_notification *n, const char *utf8);

/* Adds a String message attribute (value rendered by sw_text_ascii_line). A value that is
 * NULL or renders empty (e.g. only non-ASCII or control characters) is left out, so one bad
 * field never makes SNS refuse the whole notification. Returns 0, or SW_ELIMIT when all
 * SW_ATTRIBUTES_MAX are used or the name is too long. */
int sw_notification_add_attribute(struct sw_notification *n, const char *name, const char *value);

/* Value of an attribute, or NULL. */
const char *sw_notification_attribute(const struct sw_notification *n, const char *name);

/* Makes the message valid, printable UTF-8 and cuts it, with SW_TRUNCATION_MARKER, so that
 * message, subject and attributes together fit in SNS's 256 KiB. Idempotent. */
void sw_notification_finish(struct sw_notification *n);

#endif
