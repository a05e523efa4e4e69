/* bench_aws: what one AWS call costs the function (scripts/bench.sh aws runs it).
 *
 *   bench_aws sign N       CPU per request to build and sign: an SNS Publish of a typical
 *                          finding notification (2 KiB message, 5 attributes) and an
 *                          Inspector2 BatchGetAccountStatus, each serialized and SigV4-signed
 *                          exactly as sw_aws_call does. Prints the median of 9 runs of N.
 *   bench_aws publish N reuse|fresh TOPIC_ARN
 *                          wall time of N SNS Publish round trips through the real client to
 *                          the endpoint in AWS_ENDPOINT_URL, on one kept-alive connection or a
 *                          new connection per call. Prints median and p90 in ms.
 *   bench_aws trace N      CPU per AWS call of tracing (handler/aws/xray.c, as sw_aws_call
 *                          uses it): the decision with no trace header and with Sampled=0
 *                          (tracing off), and with Sampled=1 the subsegment built and sent to
 *                          a loopback port nobody listens on. Median of 9 runs of N. */
#include "handler/aws/client.h"
#include "handler/aws/inspector2.h"
#include "handler/aws/sigv4.h"
#include "handler/aws/sns.h"
#include "handler/aws/xray.h"
#include "lr_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 9
#define MAX_CALLS 100000

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void notification(struct sw_notification *n)
{
    sw_notification_init(n);
    sw_notification_set_subject(n, "[CRITICAL] CVE-2023-44487 in web/api:1.4.2");
    for (int i = 0; i < 32; i++)
        sw_buf_appendf(&n->message,
                       "Line %02d of the finding: package libnghttp2 1.51.0 -> 1.57.0 (dpkg)\n", i);
    sw_notification_add_attribute(n, "event_kind", "finding");
    sw_notification_add_attribute(n, "severity", "CRITICAL");
    sw_notification_add_attribute(n, "account_id", "123456789012");
    sw_notification_add_attribute(n, "region", "eu-west-1");
    sw_notification_add_attribute(n, "mode", "enforce");
    sw_notification_finish(n);
}

static int sign(const char *host, const char *content_type, const char *target, const char *path,
                const struct sw_buf *body, const char *service)
{
    struct sw_sigv4_header h[3] = {
        {SW_STR_LIT("Host"), {host, strlen(host)}},
        {SW_STR_LIT("Content-Type"), {content_type, strlen(content_type)}},
        {SW_STR_LIT("X-Amz-Target"), {target ? target : "", target ? strlen(target) : 0}},
    };
    struct sw_sigv4_request req = {
        .method = SW_STR_LIT("POST"),
        .path = {path, strlen(path)},
        .query = {"", 0},
        .headers = h,
        .header_count = target ? 3 : 2,
        .body = (const unsigned char *)body->data,
        .body_len = body->len,
    };
    struct sw_sigv4_credentials creds = {"ASIAEXAMPLEEXAMPLE00",
                                         "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                         "IQoJb3JpZ2luX2VjEXAMPLETOKEN-of-about-a-thousand-bytes"};
    struct sw_sigv4_config cfg = {.region = "eu-west-1", .service = service, .time = time(NULL)};
    struct sw_sigv4_signed out = {0};
    struct sw_error err = {0};
    int rc = sw_sigv4_sign(&req, &creds, &cfg, &out, &err);
    sw_sigv4_signed_clear(&out);
    return rc;
}

static int bench_sign(long n)
{
    struct sw_notification note;
    struct sw_buf body;
    struct sw_error err = {0};
    const char *ids[] = {"123456789012"};
    double publish[RUNS], status[RUNS];

    notification(&note);
    sw_buf_init(&body, SW_SNS_BODY_MAX);
    for (int r = 0; r < RUNS; r++) {
        double t0 = cpu_seconds();
        for (long i = 0; i < n; i++) {
            if (sw_sns_publish_body("arn:aws:sns:eu-west-1:123456789012:scanwarden", &note, false,
                                    &body, &err) ||
                sign("sns.eu-west-1.amazonaws.com",
                     "application/x-www-form-urlencoded; charset=utf-8", NULL, "/", &body, "sns"))
                return 1;
        }
        double t1 = cpu_seconds();
        for (long i = 0; i < n; i++) {
            if (sw_inspector2_batch_get_account_status_body(ids, 1, &body, &err) ||
                sign("inspector2.eu-west-1.amazonaws.com", "application/json", NULL,
                     "/status/batch/get", &body, "inspector2"))
                return 1;
        }
        double t2 = cpu_seconds();
        publish[r] = (t1 - t0) / (double)n * 1e6;
        status[r] = (t2 - t1) / (double)n * 1e6;
    }
    qsort(publish, RUNS, sizeof(double), cmp_double);
    qsort(status, RUNS, sizeof(double), cmp_double);
    printf("sign+serialize sns:Publish (%zu-byte message, 5 attributes): %.2f us CPU "
           "(median of %d x %ld)\n",
           note.message.len, publish[RUNS / 2], RUNS, n);
    printf("sign+serialize inspector2:BatchGetAccountStatus: %.2f us CPU (median of %d x %ld)\n",
           status[RUNS / 2], RUNS, n);
    sw_buf_clear(&body);
    sw_notification_clear(&note);
    return 0;
}

static int bench_publish(long n, bool fresh, const char *topic)
{
    struct sw_error err = {0};
    struct sw_aws_error aerr;
    struct sw_notification note;
    char id[SW_SNS_MESSAGE_ID_MAX];
    struct sw_aws_client_options opt = {.no_connection_reuse = fresh};
    struct sw_aws_client *c = sw_aws_client_new(&opt, &err);
    static double ms[MAX_CALLS];
    long connections = 0;

    if (!c) {
        fprintf(stderr, "bench_aws: %s\n", err.msg);
        return 1;
    }
    if (n > MAX_CALLS)
        n = MAX_CALLS;
    notification(&note);
    /* one warm-up call: DNS, first connection, credentials */
    if (sw_sns_publish(c, topic, &note, false, id, &aerr, &err)) {
        fprintf(stderr, "bench_aws: %s\n", err.msg);
        return 1;
    }
    for (long i = 0; i < n; i++) {
        double t0 = wall_seconds();
        if (sw_sns_publish(c, topic, &note, false, id, &aerr, &err)) {
            fprintf(stderr, "bench_aws: %s\n", err.msg);
            return 1;
        }
        ms[i] = (wall_seconds() - t0) * 1e3;
        connections += sw_aws_client_last_call(c)->new_connections;
    }
    qsort(ms, (size_t)n, sizeof(double), cmp_double);
    printf("sns:Publish round trip, %s connection: median %.2f ms, p90 %.2f ms over %ld calls "
           "(%ld new connections)\n",
           fresh ? "new" : "kept-alive", ms[n / 2], ms[(n * 9) / 10], n, connections);
    sw_notification_clear(&note);
    sw_aws_client_free(c);
    return 0;
}

/* What sw_aws_call does for tracing around one call; returns 1 when it would trace. */
static int trace_decision(void)
{
    const char *trace = getenv("_X_AMZN_TRACE_ID");
    if (!sw_xray_header_sendable(trace))
        return 0;
    struct sw_xray_header xh;
    sw_xray_header_parse(trace, &xh);
    if (!sw_xray_traced(&xh))
        return 0;
    struct sw_xray_call call = {.service = "inspector2",
                                .operation = "BatchGetAccountStatus",
                                .region = "eu-west-1",
                                .http_status = 200,
                                .attempts = 1,
                                .start_time = 1700000000.0,
                                .end_time = 1700000000.25};
    char doc[SW_XRAY_DOC_MAX];
    size_t len = sw_xray_subsegment(&xh, &call, "0123456789abcdef", doc, sizeof(doc));
    sw_xray_send(getenv("AWS_XRAY_DAEMON_ADDRESS"), doc, len);
    return 1;
}

static int bench_trace(long n)
{
    static const char *const headers[] = {
        NULL, "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0",
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"};
    static const char *const names[] = {"no trace header (tracing off)",
                                        "header with Sampled=0 (tracing off)",
                                        "Sampled=1: subsegment built and sent"};
    setenv("AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:9", 1); /* discard: nobody listens */
    for (size_t h = 0; h < sizeof(headers) / sizeof(headers[0]); h++) {
        if (headers[h])
            setenv("_X_AMZN_TRACE_ID", headers[h], 1);
        else
            unsetenv("_X_AMZN_TRACE_ID");
        double per[RUNS];
        long traced = 0;
        for (int r = 0; r < RUNS; r++) {
            double t0 = cpu_seconds();
            for (long i = 0; i < n; i++)
                traced += trace_decision();
            per[r] = (cpu_seconds() - t0) / (double)n;
        }
        qsort(per, RUNS, sizeof(double), cmp_double);
        printf("tracing per AWS call, %s: %.3f us CPU (median of %d runs of %ld; %s)\n", names[h],
               per[RUNS / 2] * 1e6, RUNS, n, traced ? "traced" : "not traced");
    }
    return 0;
}

int main(int argc, char **argv)
{
    lr_log_configure(LR_LOG_FORMAT_TEXT, LR_LOG_WARN, stderr);
    if (argc >= 3 && strcmp(argv[1], "sign") == 0)
        return bench_sign(strtol(argv[2], NULL, 10));
    if (argc >= 3 && strcmp(argv[1], "trace") == 0)
        return bench_trace(strtol(argv[2], NULL, 10));
    if (argc >= 5 && strcmp(argv[1], "publish") == 0)
        return bench_publish(strtol(argv[2], NULL, 10), strcmp(argv[3], "fresh") == 0, argv[4]);
    fprintf(stderr, "usage: bench_aws sign N | bench_aws trace N | bench_aws publish N reuse|fresh "
                    "TOPIC_ARN\n");
    return 2;
}
