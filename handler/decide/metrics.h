/* sw_metrics: the invocation's CloudWatch metrics as one Embedded Metric Format record
 * (docs/operations.md, docs/emf.schema.json).
 *
 * The counts are read from the invocation's answer (struct sw_outcome: the result JSON or
 * the error), so that what the metrics say and what Lambda was told cannot disagree; the
 * record is one JSON line the caller writes to stdout as it is (CloudWatch extracts the
 * metrics from raw JSON lines, not from the runtime's log records). Pure. */
#ifndef SW_METRICS_H
#define SW_METRICS_H

#include "handler/core/buf.h"
#include "handler/core/error.h"
#include "handler/decide/outcome.h"

#include <stdbool.h>
#include <stddef.h>

#define SW_METRICS_NAMESPACE_DEFAULT "Scanwarden"
#define SW_METRICS_NAMESPACE_MAX 255 /* CloudWatch's limit */

/* The metric names, in the order of enum sw_metric; the template's alarms and dashboard name
 * these. Every record carries the metrics before SW_METRIC_FINDINGS_NOTIFIED_CRITICAL; the
 * per-severity ones from there on are in a record (directive and value) only when non-zero,
 * i.e. in the record of the invocation that notified a finding of that severity: CloudWatch
 * bills a custom metric for every hour it receives a value, so six series of zeros would cost
 * every deployment for nothing (docs/operations.md, "Metrics"). */
enum sw_metric {
    SW_METRIC_DRIFT_DETECTED = 0,
    SW_METRIC_RESTORED,
    SW_METRIC_REMEDIATION_FAILED,
    SW_METRIC_NOTIFICATIONS_PUBLISHED,
    SW_METRIC_NOTIFICATIONS_SUPPRESSED,
    SW_METRIC_NOTIFICATIONS_PARKED,
    SW_METRIC_MEMBERS_CHECKED,
    SW_METRIC_MEMBERS_RESTORED,
    SW_METRIC_MEMBERS_FAILED,
    SW_METRIC_SCHEDULED_CHECK,
    SW_METRIC_FINDINGS_NOTIFIED,
    SW_METRIC_FINDINGS_NOTIFIED_CRITICAL, /* the first written only when non-zero */
    SW_METRIC_FINDINGS_NOTIFIED_HIGH,
    SW_METRIC_FINDINGS_NOTIFIED_MEDIUM,
    SW_METRIC_FINDINGS_NOTIFIED_LOW,
    SW_METRIC_FINDINGS_NOTIFIED_INFORMATIONAL,
    SW_METRIC_FINDINGS_NOTIFIED_UNTRIAGED,
    SW_METRIC_COUNT
};

const char *sw_metric_name(enum sw_metric m);

/* The metrics configuration: METRICS ("on", the default, or "off") and METRICS_NAMESPACE. */
struct sw_metrics_config {
    bool enabled;
    char ns[SW_METRICS_NAMESPACE_MAX + 1];
};

/* Reads the two values (NULL or "" = the default). Returns 0 or SW_ECONFIG with err naming
 * the variable and what it accepts. */
int sw_metrics_config_parse(const char *metrics, const char *ns, struct sw_metrics_config *out,
                            struct sw_error *err);

/* One invocation's counts. */
struct sw_metrics {
    double value[SW_METRIC_COUNT];
};

/* The counts an answer tells: drift found (the number of drifted settings), restored (1 when
 * every write of an enforcing check succeeded), RemediationFailed, notifications published,
 * suppressed by the rate cap and parked, the organization run's members checked, restored and
 * failed, ScheduledCheck: 1 for a scheduled check that ended without an error (the
 * heartbeat), and FindingsNotified with FindingsNotified<Severity>: 1 for a finding that was
 * notified, by the result's severity. event_kind is copied into kind (at most kind_cap
 * bytes). */
void sw_metrics_from_outcome(const struct sw_outcome *o, struct sw_metrics *m, char *kind,
                             size_t kind_cap);

/* Writes the EMF record (reset first, no newline) for namespace ns with the dimensions Mode and
 * Scope, EventKind as a property, at timestamp_ms (Unix epoch milliseconds): every metric before
 * SW_METRIC_FINDINGS_NOTIFIED_CRITICAL, and a per-severity one only when non-zero. Returns 0 or
 * SW_ENOMEM with err set. */
int sw_metrics_emf(const struct sw_metrics *m, const char *ns, const char *mode, const char *scope,
                   const char *event_kind, long long timestamp_ms, struct sw_buf *out,
                   struct sw_error *err);

/* The record of the run (docs/operations.md, "Logs"): the fields of the invocation's log record
 * as one compact JSON object (out reset first): "record":"invocation", "outcome" ("ok" or the
 * error type), "error" (its message, for an error), region, mode and scope, and the result's
 * members (event_kind, drift, actions, notified, parked, organization ...). Returns 0 or
 * SW_ENOMEM with err set. */
int sw_metrics_run_record(const struct sw_outcome *o, const char *region, const char *mode,
                          const char *scope, struct sw_buf *out, struct sw_error *err);

#endif
