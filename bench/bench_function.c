/* bench_function: CPU cost and memory flatness of the per-invocation pipeline.
 *
 * 1. The 2024 Inspector finding sample: parse + decide + build the notification,
 *    CPU time (CLOCK_PROCESS_CPUTIME_ID) per event, median over many batches.
 * 2. 100,000 mixed events (every sample, finding variants, bad payloads) through
 *    sw_function_handle with an in-memory account and a publish sink (no network):
 *    RSS after a warm-up and at the end. After the warm-up, blocks of 1000 events alternate
 *    without and with what main.c adds per invocation when METRICS=on (the EMF record and the
 *    record of the run, built and written to /dev/null): the CPU per event of each, side by
 *    side. scripts/bench.sh function runs it. */
#include "handler/decide/metrics.h"
#include "handler/parse/config.h"
#include "handler/parse/events.h"
#include "handler/function.h"
#include "handler/notify/notify_event.h"
#include "runtime/lr_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCHES 301
#define BATCH_SIZE 200
#define MIXED_EVENTS 100000
#define WARMUP_EVENTS 2000
#define SAMPLES_MAX 32
#define EVENT_FILE_MAX (1 << 20)
#define METRICS_BLOCK 1000

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (f == NULL) {
        return -1;
    }
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2) {
        resident = -1;
    }
    fclose(f);
    return resident * 4; /* 4 KiB pages */
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    char *buf = calloc(1, EVENT_FILE_MAX);
    if (buf == NULL) {
        exit(2);
    }
    size_t n = fread(buf, 1, EVENT_FILE_MAX - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- part 1 ---------------------------------------------------------------------------- */

static void bench_finding(const char *data_dir)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/events/inspector2-finding-ecr.inspector-docs-2024.json",
             data_dir);
    char *payload = read_file(path);
    size_t len = strlen(payload);
    static double per_event_us[BATCHES];
    size_t notified = 0;

    for (int b = 0; b < BATCHES; b++) {
        double t0 = cpu_seconds();
        for (int i = 0; i < BATCH_SIZE; i++) {
            struct sw_event ev;
            struct sw_error err = {0};
            struct sw_notification n;
            sw_notification_init(&n);
            if (sw_event_parse(payload, len, &ev, &err) == SW_OK &&
                sw_notify_event_verdict(&ev, SW_SEVERITY_MEDIUM) == SW_NOTIFY_YES &&
                sw_notify_event_build(&ev, SW_SEVERITY_MEDIUM, 1725468938000LL, &n, &err) ==
                    SW_OK) {
                notified += n.message.len > 0;
            }
            sw_notification_clear(&n);
            sw_event_clear(&ev);
        }
        per_event_us[b] = (cpu_seconds() - t0) * 1e6 / BATCH_SIZE;
    }
    qsort(per_event_us, BATCHES, sizeof(double), cmp_double);
    printf("finding sample (%zu bytes): parse + decide + build notification: "
           "median %.1f us CPU per event (p10 %.1f, p90 %.1f; %d batches of %d; %zu built)\n",
           len, per_event_us[BATCHES / 2], per_event_us[BATCHES / 10],
           per_event_us[BATCHES * 9 / 10], BATCHES, BATCH_SIZE, notified);
    free(payload);
}

/* ---- part 2 ---------------------------------------------------------------------------- */

struct sink {
    bool broken; /* the account's state alternates between drifted and restored */
    size_t reads, actions, published;
    struct sw_drift_filter filter;
    struct sw_drift_rule rule;
};

static int sink_read(void *ctx, const char *account, bool read_rescan, struct sw_actual_state *out,
                     struct sw_action_result *failure)
{
    struct sink *s = ctx;
    s->reads++;
    memset(out, 0, sizeof(*out));
    s->filter = (struct sw_drift_filter){"*", "WILDCARD"};
    s->rule = (struct sw_drift_rule){s->broken ? "SCAN_ON_PUSH" : "CONTINUOUS_SCAN", &s->filter, 1};
    out->inspector_ecr_status = s->broken ? "DISABLED" : "ENABLED";
    out->scan_type = s->broken ? "BASIC" : "ENHANCED";
    out->rules = &s->rule;
    out->rule_count = 1;
    s->broken = !s->broken;
    return SW_OK;
}

static void sink_perform(void *ctx, const struct sw_drift_plan *plan,
                         struct sw_action_result *results)
{
    struct sink *s = ctx;
    for (size_t i = 0; i < plan->action_count; i++) {
        results[i] =
            (struct sw_action_result){.api = sw_drift_api_name(plan->actions[i].api), .ok = true};
        s->actions++;
    }
}

static int sink_publish(void *ctx, const struct sw_notification *n, struct sw_error *err)
{
    struct sink *s = ctx;
    s->published += n->message.len > 0;
    return SW_OK;
}

static const char *lookup(void *ctx, const char *name)
{
    if (strcmp(name, "SNS_TOPIC_ARN") == 0) {
        return "arn:aws:sns:us-east-1:123456789012:alerts";
    }
    if (strcmp(name, "MIN_SEVERITY") == 0) {
        return "LOW";
    }
    return NULL;
}

static void bench_rss(const char *data_dir)
{
    static const char *names[] = {
        "inspector2-finding-ecr.inspector-docs-2024.json",
        "inspector2-scan-ecr.inspector-docs-2023.json",
        "inspector2-autoenable.inspector-docs.json",
        "ecr-image-scan-basic.ecr-docs.json",
        "ecr-scan-resource-change.ecr-docs.json",
        "scheduled-event.eventbridge-docs.json",
        "securityhub-findings-imported.account-control-EC2.7.asr-fixture.json",
        "config-rules-compliance-change.real-capture.json",
        "synthesized/cloudtrail-ecr-PutRegistryScanningConfiguration-BASIC.json",
        "synthesized/cloudtrail-inspector2-Disable-ECR.json",
        "synthesized/cloudtrail-inspector2-UpdateConfiguration.json",
        "synthesized/inspector2-coverage-ecr-image.json",
        "synthesized/securityhub-findings-imported-Inspector.2.json",
    };
    size_t n_samples = sizeof(names) / sizeof(names[0]);
    char *samples[SAMPLES_MAX];
    for (size_t i = 0; i < n_samples; i++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/events/%s", data_dir, names[i]);
        samples[i] = read_file(path);
    }
    /* A finding whose ARN changes every time, so the duplicate cache keeps evicting. */
    const char *finding = samples[0];
    const char *slot = strstr(finding, "{{FINDING_ID}}");
    if (slot == NULL) {
        fprintf(stderr, "finding sample has no {{FINDING_ID}}\n");
        exit(2);
    }
    size_t head = (size_t)(slot - finding);
    char *variant = malloc(strlen(finding) + 32);
    if (variant == NULL) {
        exit(2);
    }
    static const char *bad[] = {"not json", "[]", "{\"trigger\":\"schedule\"}", "{}"};

    struct sw_config cfg;
    struct sw_error err = {0};
    if (sw_cfg_load(&cfg, lookup, NULL, &err) != SW_OK) {
        fprintf(stderr, "config: %s\n", err.msg);
        exit(2);
    }
    struct sink sink = {0};
    struct sw_function_wiring w = {
        .io = {&sink, sink_read, sink_perform, sink_publish, NULL, NULL}};
    struct sw_function fn;
    if (sw_function_init(&fn, &cfg, "us-east-1", &w, &err) != SW_OK) {
        fprintf(stderr, "init: %s\n", err.msg);
        exit(2);
    }
    struct sw_outcome out;
    sw_outcome_init(&out);
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull == NULL) {
        exit(2);
    }
    struct sw_buf emf = {0}, record = {0};
    double block_cpu[2] = {0, 0}, block_t0 = 0;
    size_t block_events[2] = {0, 0};
    long rss_warm = 0;
    size_t failed = 0;
    double t0 = cpu_seconds();
    for (size_t i = 0; i < MIXED_EVENTS; i++) {
        const char *payload;
        size_t k = i % (n_samples + 2 + 4);
        if (k < n_samples) {
            payload = samples[k];
        } else if (k < n_samples + 2) {
            snprintf(variant, strlen(finding) + 32, "%.*s%zu%s", (int)head, finding, i,
                     slot + strlen("{{FINDING_ID}}"));
            payload = variant;
        } else {
            payload = bad[k - n_samples - 2];
        }
        struct sw_function_call call = {payload, strlen(payload),
                                        "arn:aws:lambda:us-east-1:123456789012:function:scanwarden",
                                        /* one event a minute: the per-minute notification cap
                                         * (MAX_NOTIFICATIONS_PER_MINUTE) never suppresses, so every
                                         * event does its full publishing work */
                                        1725468938000LL + (long long)i * 60000LL, 0};
        bool timed = i >= WARMUP_EVENTS;
        bool metrics = timed && ((i - WARMUP_EVENTS) / METRICS_BLOCK) % 2 == 1;
        if (timed && (i - WARMUP_EVENTS) % METRICS_BLOCK == 0) {
            block_t0 = cpu_seconds();
        }
        sw_function_handle(&fn, &call, &out);
        failed += out.failed;
        if (metrics) { /* as main.c: emit_metrics and log_run */
            struct sw_metrics m;
            char kind[64];
            sw_metrics_from_outcome(&out, &m, kind, sizeof(kind));
            if (sw_metrics_emf(&m, "Scanwarden", "enforce", "account", kind, call.now_ms, &emf,
                               &err) != SW_OK ||
                sw_metrics_run_record(&out, "us-east-1", "enforce", "account", &record, &err) !=
                    SW_OK) {
                fprintf(stderr, "metrics: %s\n", err.msg);
                exit(2);
            }
            fwrite(emf.data, 1, emf.len, devnull);
            fputc('\n', devnull);
            fwrite(record.data, 1, record.len, devnull);
            fputc('\n', devnull);
            fflush(devnull);
        }
        if (timed && (i + 1 - WARMUP_EVENTS) % METRICS_BLOCK == 0) {
            block_cpu[metrics] += cpu_seconds() - block_t0;
            block_events[metrics] += METRICS_BLOCK;
        }
        if (i + 1 == WARMUP_EVENTS) {
            rss_warm = rss_kib();
        }
    }
    double cpu = cpu_seconds() - t0;
    long rss_end = rss_kib();
    printf("%d mixed events through the pipeline (publish sink): %.1f us CPU per event; "
           "%zu state reads, %zu actions, %zu notifications, %zu error responses\n",
           MIXED_EVENTS, cpu * 1e6 / MIXED_EVENTS, sink.reads, sink.actions, sink.published,
           failed);
    printf("RSS after %d events: %ld KiB; after %d: %ld KiB; growth %ld KiB (goal: < 1024)\n",
           WARMUP_EVENTS, rss_warm, MIXED_EVENTS, rss_end, rss_end - rss_warm);
    double off_us = block_cpu[0] * 1e6 / (double)block_events[0];
    double on_us = block_cpu[1] * 1e6 / (double)block_events[1];
    printf("metrics off: %.2f us CPU per event; on (EMF record + record of the run, written): "
           "%.2f us; cost %.2f us per invocation (goal: < 5) over %zu + %zu events\n",
           off_us, on_us, on_us - off_us, block_events[0], block_events[1]);
    sw_buf_clear(&emf);
    sw_buf_clear(&record);
    fclose(devnull);
    sw_outcome_clear(&out);
    free(variant);
    for (size_t i = 0; i < n_samples; i++) {
        free(samples[i]);
    }
    if (rss_end - rss_warm >= 1024) {
        exit(1);
    }
}

int main(int argc, char **argv)
{
    const char *data_dir = argc > 1 ? argv[1] : SW_TEST_DATA_DIR;
    lr_log_configure(LR_LOG_FORMAT_TEXT, LR_LOG_FATAL, stderr); /* quiet: logs cost I/O */
    bench_finding(data_dir);
    bench_rss(data_dir);
    return 0;
}
