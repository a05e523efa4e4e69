/* sw_notify_sla: how long a finding may stay open (docs/contract.md §1.3).
 *
 * The response deadline by severity, counted from firstObservedAt, that the finding text
 * ("Respond by") and the finding document ("respond_by") both report. Pure. */
#ifndef SW_NOTIFY_SLA_H
#define SW_NOTIFY_SLA_H

#include "handler/parse/events.h"

#include <stdint.h>

/* Response deadlines counted from firstObservedAt (docs/contract.md §1.3). */
#define SW_SLA_CRITICAL_MS ((int64_t)24 * 3600 * 1000)
#define SW_SLA_HIGH_MS ((int64_t)7 * 24 * 3600 * 1000)
#define SW_SLA_MEDIUM_MS ((int64_t)30 * 24 * 3600 * 1000)
#define SW_SLA_LOW_MS ((int64_t)30 * 24 * 3600 * 1000)

/* Response window of a severity in ms; 0 for INFORMATIONAL, UNTRIAGED and NONE (no SLA). */
int64_t sw_notify_sla_ms(enum sw_severity s);

/* The window in words: "24 hours", "7 days", else "30 days". */
const char *sw_notify_sla_words(enum sw_severity s);

#endif
