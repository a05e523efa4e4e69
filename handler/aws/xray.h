/* X-Ray: the invocation's trace header and one subsegment per AWS call (docs/operations.md,
 * "Tracing").
 *
 * Lambda hands every invocation a trace header (Lambda-Runtime-Trace-Id, which runtime/
 * puts in _X_AMZN_TRACE_ID); the AWS client sends it on every request as X-Amzn-Trace-Id.
 * When the header says Sampled=1 (the function's Tracing is Active), each AWS call is also
 * described as a subsegment document and sent by UDP to the X-Ray daemon
 * (AWS_XRAY_DAEMON_ADDRESS). Parsing and the document are pure; sw_xray_send never fails
 * the caller and never blocks. */
#ifndef SW_AWS_XRAY_H
#define SW_AWS_XRAY_H

#include <stdbool.h>
#include <stddef.h>

#define SW_XRAY_HEADER_MAX 256 /* a longer trace header is not sent nor traced */
#define SW_XRAY_DOC_MAX 1024   /* one subsegment document, header line included */

/* The fields of a trace header "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;
 * Sampled=1" that a subsegment needs. */
struct sw_xray_header {
    char root[36];   /* "1-" 8 hex "-" 24 hex: 35 characters; "" when absent or malformed */
    char parent[17]; /* 16 hex; "" when absent or malformed */
    bool sampled;    /* Sampled=1 */
};

/* Whether value may be sent as the X-Amzn-Trace-Id header: non-empty, shorter than
 * SW_XRAY_HEADER_MAX, printable ASCII only (no line breaks). */
bool sw_xray_header_sendable(const char *value);

/* Parses value (may be NULL) into out. Unknown keys are ignored; a malformed Root or Parent
 * is left empty. Never fails. */
void sw_xray_header_parse(const char *value, struct sw_xray_header *out);

/* Whether h is worth a subsegment: sampled, with a valid Root and Parent. */
bool sw_xray_traced(const struct sw_xray_header *h);

/* One AWS call as X-Ray sees it. */
struct sw_xray_call {
    const char *service;   /* "inspector2": the subsegment's name */
    const char *operation; /* "Enable" */
    const char *region;
    long http_status; /* 0: no answer (transport failure) */
    int attempts;
    double start_time; /* seconds since the epoch, with fractions */
    double end_time;
    bool failed; /* the call did not end in a 2xx answer */
};

/* Writes the daemon's datagram for call into out (cap bytes): the line
 * {"format":"json","version":1}, a newline, then the subsegment document with the given id
 * (16 lowercase hex). error = 4xx answer, throttle = 429, fault = 5xx or no answer. Returns
 * the length, or 0 when h is not traced, an argument is invalid or the document would not
 * fit. */
size_t sw_xray_subsegment(const struct sw_xray_header *h, const struct sw_xray_call *call,
                          const char *id, char *out, size_t cap);

/* Sends one datagram to address ("host:port", numeric IPv4 host; NULL or invalid: nothing
 * sent). Non-blocking, errors ignored: tracing never fails or slows an invocation. */
void sw_xray_send(const char *address, const char *datagram, size_t len);

#endif
