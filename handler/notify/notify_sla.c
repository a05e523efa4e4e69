/* sw_notify_sla: the response deadline of a finding by severity.
 *
 * One table for the text and the document, so "Respond by" and "respond_by" cannot
 * disagree. The deadline itself (first observed + window) is computed by the callers. */
#include "handler/notify/notify_sla.h"

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

const char *sw_notify_sla_words(enum sw_severity s)
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
