/* fuzz_config: libFuzzer entry point for the configuration (docs/contract.md §3, §8).
 *
 * Input lines are "<selector byte><value>": the selector picks one of the variables
 * sw_cfg_load reads, the rest of the line is its value (the last one wins). Loading
 * must either succeed with a configuration that satisfies every documented bound, or fail
 * with SW_ECONFIG and a message that names a variable and holds no control character
 * (it reaches /runtime/init/error and the log). */
#include "fuzz_check.h"
#include "handler/core/ids.h"
#include "handler/parse/config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const NAMES[] = {"SNS_TOPIC_ARN",
                                    "MIN_SEVERITY",
                                    "REMEDIATION_MODE",
                                    "SCAN_FREQUENCY",
                                    "REPOSITORY_FILTERS",
                                    "ECR_RESCAN_DURATION",
                                    "SCOPE",
                                    "REGIONS",
                                    "CHAT_FORMAT",
                                    "EPSS_ALERT",
                                    "MAX_NOTIFICATIONS_PER_INVOCATION",
                                    "MAX_NOTIFICATIONS_PER_MINUTE"};
#define NAME_COUNT (sizeof(NAMES) / sizeof(NAMES[0]))

struct env {
    char *values[NAME_COUNT];
};

static const char *lookup(void *ctx, const char *name)
{
    const struct env *e = ctx;
    for (size_t i = 0; i < NAME_COUNT; i++)
        if (strcmp(name, NAMES[i]) == 0)
            return e->values[i];
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct env e = {{0}};
    const char *d = (const char *)data;
    for (size_t pos = 0; pos < size;) {
        size_t end = pos;
        while (end < size && d[end] != '\n')
            end++;
        if (end > pos) {
            size_t i = (unsigned char)d[pos] % NAME_COUNT;
            free(e.values[i]);
            /* A NUL inside ends the value, as it would in the environment. The input is
             * not NUL-terminated, so copy by length rather than with strndup, which ASan's
             * strict_string_checks reads past the line. */
            const char *value = d + pos + 1;
            size_t len = end - pos - 1;
            const char *nul = memchr(value, '\0', len);
            if (nul)
                len = (size_t)(nul - value);
            e.values[i] = malloc(len + 1);
            FUZZ_CHECK(e.values[i] != NULL);
            memcpy(e.values[i], value, len);
            e.values[i][len] = '\0';
        }
        pos = end + 1;
    }

    struct sw_config *cfg = malloc(sizeof(*cfg));
    FUZZ_CHECK(cfg != NULL);
    struct sw_error err = {0};
    int rc = sw_cfg_load(cfg, lookup, &e, &err);
    if (rc == 0) {
        FUZZ_CHECK(cfg->sns_topic_arn[0] != '\0');
        FUZZ_CHECK(cfg->min_severity >= SW_SEVERITY_UNTRIAGED &&
                   cfg->min_severity <= SW_SEVERITY_CRITICAL);
        FUZZ_CHECK(cfg->mode >= SW_MODE_ENFORCE && cfg->mode <= SW_MODE_OFF);
        FUZZ_CHECK(cfg->repository_filter_count >= 1 &&
                   cfg->repository_filter_count <= SW_CFG_FILTERS_MAX);
        for (size_t i = 0; i < cfg->repository_filter_count; i++)
            FUZZ_CHECK(sw_repository_filter_ok(cfg->repository_filters[i]));
        FUZZ_CHECK(cfg->region_count <= SW_CFG_REGIONS_MAX);
        for (size_t i = 0; i < cfg->region_count; i++)
            FUZZ_CHECK(sw_region_valid(cfg->regions[i], strlen(cfg->regions[i])));
        FUZZ_CHECK(cfg->epss_alert >= 0.0 && cfg->epss_alert <= 1.0);
        FUZZ_CHECK(cfg->max_notifications_per_invocation >= 1 &&
                   cfg->max_notifications_per_invocation <= SW_CFG_MAX_NOTIFICATIONS_LIMIT);
        FUZZ_CHECK(cfg->max_notifications_per_minute >= 1 &&
                   cfg->max_notifications_per_minute <= SW_CFG_MAX_NOTIFICATIONS_LIMIT);
        FUZZ_CHECK(fuzz_ascii_printable(cfg->sns_topic_arn, strlen(cfg->sns_topic_arn)));
    } else {
        FUZZ_CHECK(rc == SW_ECONFIG);
        size_t mlen = strnlen(err.msg, sizeof(err.msg));
        FUZZ_CHECK(mlen > 0 && mlen < sizeof(err.msg));
        FUZZ_CHECK(fuzz_no_controls(err.msg, mlen) && memchr(err.msg, '\n', mlen) == NULL);
        bool named = false;
        for (size_t i = 0; i < NAME_COUNT; i++)
            named = named || strstr(err.msg, NAMES[i]) != NULL;
        FUZZ_CHECK(named);
    }
    free(cfg);
    for (size_t i = 0; i < NAME_COUNT; i++)
        free(e.values[i]);
    return 0;
}
