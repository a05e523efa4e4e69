/* sw_notify_document: the machine-readable side of the finding-side notifications.
 *
 * Pipelines subscribed to the topic (SQS, Lambda, HTTP) get a JSON document instead of
 * the e-mail text (docs/notification.schema.json). These pure builders fill the
 * kind-specific part of it from the parsed event, beside the text notify_finding.c and
 * notify_scan.c write; notify_wire.c adds the common fields and fits it into SNS's limit. This file
 * also decides and marks a finding's priority (known exploit, EPSS >= EPSS_ALERT). */
#ifndef SW_NOTIFY_DOCUMENT_H
#define SW_NOTIFY_DOCUMENT_H

#include "handler/core/error.h"
#include "handler/parse/events.h"
#include "handler/core/notification.h"

#include <stdbool.h>
#include <stdint.h>

#define SW_DOCUMENT_STR_MAX 2048     /* bytes kept of an ordinary string in a document */
#define SW_DOCUMENT_TEXT_MAX 8192    /* bytes kept of a description or remediation text */
#define SW_DOCUMENT_PACKAGES_MAX 100 /* packages listed in a document; package_count has all */

/* Fill n->document ({"finding": {...}}, {"scan": {...}}, {"coverage": {...}}) from the
 * event. Return 0 or SW_ENOMEM /
 * SW_EINVAL (wrong kind) with err set. */
int sw_notify_document_finding(const struct sw_event *ev, struct sw_notification *n,
                               struct sw_error *err);
int sw_notify_document_scan(const struct sw_event *ev, enum sw_severity min,
                            struct sw_notification *n, struct sw_error *err);
int sw_notify_document_coverage(const struct sw_event *ev, struct sw_notification *n,
                                struct sw_error *err);

/* Marks a built finding notification: attribute priority=high|normal, the document's
 * "priority" and "priority_reasons", and for high priority a tag after the severity in the
 * subject ("[CRITICAL][EXPLOIT] CVE-..." or "[HIGH][EPSS 0.42] CVE-..."), keeping severity
 * and vulnerability id within the 99 characters. Returns 0 or SW_ELIMIT/SW_ENOMEM. */
int sw_notify_mark_priority(const struct sw_finding *f, double epss_alert,
                            struct sw_notification *n, struct sw_error *err);

#endif
