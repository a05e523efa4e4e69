/* bench_wire: CPU of turning a built notification into what SNS delivers (docs/contract.md §4.1).
 *
 * Since notifications are published with MessageStructure=json, every publish also prints
 * the JSON document (and the chat payload) and the message structure. This measures that
 * step alone for the 2024 finding sample (both CHAT_FORMATs) and for a 1,000-package
 * finding that must be cut to 256 KiB: median CPU of many batches (scripts/bench.sh wire). */
#include "handler/parse/events.h"
#include "handler/notify/notify_document.h"
#include "handler/notify/notify_finding.h"
#include "handler/notify/notify_wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCHES 41
#define EVENT_FILE_MAX (1 << 20)
#define HUGE_PACKAGES 1000
#define HUGE_DESCRIPTION (300 * 1024)

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void measure(const char *what, const struct sw_notification *n, enum sw_chat_format chat,
                    int per_batch)
{
    static double us[BATCHES];
    size_t bytes = 0;
    for (int b = 0; b < BATCHES; b++) {
        double t0 = cpu_seconds();
        for (int i = 0; i < per_batch; i++) {
            struct sw_notification wire;
            struct sw_error err = {0};
            sw_notification_init(&wire);
            if (sw_wire_build(n, chat, &wire, &err) != 0) {
                fprintf(stderr, "%s: %s\n", what, err.msg);
                exit(1);
            }
            bytes = wire.message.len;
            sw_notification_clear(&wire);
        }
        us[b] = (cpu_seconds() - t0) * 1e6 / per_batch;
    }
    qsort(us, BATCHES, sizeof(double), cmp_double);
    printf("%-44s median %8.1f us CPU (p10 %.1f, p90 %.1f; %d batches of %d); %zu bytes\n", what,
           us[BATCHES / 2], us[BATCHES / 10], us[BATCHES * 9 / 10], BATCHES, per_batch, bytes);
}

int main(int argc, char **argv)
{
    const char *data_dir = argc > 1 ? argv[1] : SW_TEST_DATA_DIR;
    char path[1024];
    snprintf(path, sizeof(path), "%s/events/inspector2-finding-ecr.inspector-docs-2024.json",
             data_dir);
    FILE *f = fopen(path, "rb");
    char *payload = calloc(1, EVENT_FILE_MAX);
    if (!f || !payload)
        return 2;
    size_t len = fread(payload, 1, EVENT_FILE_MAX - 1, f);
    fclose(f);

    struct sw_event ev;
    struct sw_error err = {0};
    struct sw_notification n;
    sw_notification_init(&n);
    if (sw_event_parse(payload, len, &ev, &err) != 0 ||
        sw_notify_finding_build(&ev, 1728518400000LL, &n, &err) != 0 ||
        sw_notify_mark_priority(&ev.finding, 0.1, &n, &err) != 0)
        return 1;
    n.generated_ms = 1728518400000LL;
    measure("finding sample, CHAT_FORMAT=none", &n, SW_CHAT_FORMAT_NONE, 500);
    measure("finding sample, CHAT_FORMAT=chatbot", &n, SW_CHAT_FORMAT_CHATBOT, 500);
    sw_notification_clear(&n);

    /* 1,000 packages and a 300 KiB description: document shrunk, text cut to fit. */
    struct sw_vulnerable_package *pkgs = calloc(HUGE_PACKAGES, sizeof(*pkgs));
    char *desc = malloc(HUGE_DESCRIPTION);
    if (!pkgs || !desc)
        return 2;
    for (size_t i = 0; i < HUGE_DESCRIPTION - 1; i++)
        desc[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
    desc[HUGE_DESCRIPTION - 1] = '\0';
    for (size_t i = 0; i < HUGE_PACKAGES; i++)
        pkgs[i] = (struct sw_vulnerable_package){"libsomething", "1.2.3-4", "1.2.3-5", "OS",
                                                 "/usr/lib/lib.so"};
    struct sw_vulnerable_package *saved = ev.finding.packages;
    size_t saved_count = ev.finding.package_count;
    ev.finding.packages = pkgs;
    ev.finding.package_count = HUGE_PACKAGES;
    ev.finding.description = desc;
    sw_notification_init(&n);
    if (sw_notify_finding_build(&ev, 1728518400000LL, &n, &err) != 0 ||
        sw_notify_mark_priority(&ev.finding, 0.1, &n, &err) != 0)
        return 1;
    n.generated_ms = 1728518400000LL;
    measure("1,000-package finding cut to 256 KiB, chatbot", &n, SW_CHAT_FORMAT_CHATBOT, 10);
    sw_notification_clear(&n);
    ev.finding.packages = saved;
    ev.finding.package_count = saved_count;
    sw_event_clear(&ev);
    free(pkgs);
    free(desc);
    free(payload);
    return 0;
}
