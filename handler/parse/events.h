/* sw_event: one invocation payload, bounded, parsed into a typed struct and classified.
 *
 * The payload is checked against named limits (size, nesting depth, value count)
 * before cJSON sees it; every copied string and list is capped again. Each event kind of
 * docs/contract.md §2 gets its own struct; the classification says which bucket of §2 it falls in
 * (drift check, notification, or unhandled §2.4). Deciding and acting are left to others. */
#ifndef SW_EVENTS_H
#define SW_EVENTS_H

#include "handler/core/error.h"
#include "handler/parse/event.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses buf[0..len) into ev (zeroed first; call sw_event_clear afterwards, even on error).
 * Returns 0 for any JSON object (kind/cls say what it is, SW_EVENT_UNKNOWN and
 * SW_CLASS_UNHANDLED included), or, with err->msg saying why:
 *   SW_ELIMIT  larger than SW_EVENT_MAX_BYTES, deeper than SW_EVENT_MAX_DEPTH, or more than
 *              SW_EVENT_MAX_VALUES values;
 *   SW_EPARSE  not valid JSON;
 *   SW_EINVAL  valid JSON but not an object ("[]", "\"x\"", "42");
 *   SW_ENOMEM  out of memory.
 * Every code but SW_ENOMEM means "InvalidEvent". Safe on any bytes (libFuzzer target). */
int sw_event_parse(const char *buf, size_t len, struct sw_event *ev, struct sw_error *err);

/* sw_event_parse with the function's scope as an input: with organization
 * (SCOPE=organization) a member change (sw_event_org_trigger) is a drift check too. The one
 * place an event is classified. */
int sw_event_parse_scoped(const char *buf, size_t len, bool organization, struct sw_event *ev,
                          struct sw_error *err);

/* The event is an organization-mode trigger beyond docs/contract.md §2.1/§2.2: "Inspector2
 * AutoEnable" (aws.inspector2) or a CloudTrail DisassociateMember/AssociateMember of
 * aws.inspector2. */
bool sw_event_org_trigger(const char *source, const char *detail_type, const char *event_name);

/* Frees what sw_event_parse kept; ev is zeroed and reusable. */
void sw_event_clear(struct sw_event *ev);

/* Names for logs and the invocation result's event_kind: "config-change" (CloudTrail),
 * "scan-config-change", "schedule", "securityhub", "config-rule", "finding", "scan",
 * "coverage", "basic-scan", "unknown". */
const char *sw_event_kind_name(enum sw_event_kind k);

/* "unhandled", "drift-check", "notify". */
const char *sw_event_class_name(enum sw_event_class c);

/* Maps an Inspector severity name (case-insensitive) to the enum; SW_SEVERITY_NONE if unknown. */
enum sw_severity sw_event_severity_from_name(const char *s);

#endif
