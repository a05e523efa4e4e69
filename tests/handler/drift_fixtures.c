/* Test fixtures for the drift tests (see drift_fixtures.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drift_fixtures.h"
#include "handler/aws/ecr.h"
#include "handler/aws/inspector2.h"
#include "handler/io/aws_io.h"

#include <string.h>

void build_actual(const struct actual_spec *spec, struct actual_store *s)
{
    memset(s, 0, sizeof(*s));
    for (int i = 0; i < spec->rule_count; i++) {
        size_t n = 0;
        while (n < MAX_FILTERS && spec->rules[i].filters[n]) {
            s->filters[i][n].filter = spec->rules[i].filters[n];
            s->filters[i][n].filter_type = spec->rules[i].types[n];
            n++;
        }
        s->rules[i].scan_frequency = spec->rules[i].freq;
        s->rules[i].filters = s->filters[i];
        s->rules[i].filter_count = n;
    }
    s->st.inspector_ecr_status = spec->status;
    s->st.scan_type = spec->scan_type;
    s->st.rules = s->rules;
    s->st.rule_count = (size_t)spec->rule_count;
    s->st.rescan_duration = spec->rescan;
}

struct sw_desired_state desired(enum sw_scan_frequency freq, const char *const *filters,
                                const char *rescan)
{
    struct sw_desired_state d = {0};
    size_t n = 0;
    while (filters[n])
        n++;
    d.mode = SW_MODE_ENFORCE;
    d.scan_frequency = freq;
    d.filters = filters;
    d.filter_count = n;
    d.rescan_duration = rescan;
    d.account_id = ACCOUNT;
    d.region = REGION;
    return d;
}

static uint32_t next_rand(uint32_t *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 16) & 0x7fff;
}

#define PICK(arr, seed) (arr)[next_rand(seed) % (sizeof(arr) / sizeof((arr)[0]))]

void drift_fixture_generate(uint32_t *seed, struct drift_generated *g)
{
    static const char *const statuses[] = {NULL,        "ENABLED",   "ENABLING",   "DISABLED",
                                           "DISABLING", "SUSPENDED", "SUSPENDING", "WHATEVER"};
    static const char *const scan_types[] = {NULL, "BASIC", "ENHANCED", "ENHANCED", "OTHER"};
    static const char *const freqs[] = {"CONTINUOUS_SCAN", "SCAN_ON_PUSH", "MANUAL", NULL,
                                        "HOURLY"};
    static const char *const pool[] = {"*",   "prod*", "web/*", "api",        "a*b",
                                       "Bad", "a..b",  "-x",    "team/app-1", "x"};
    static const char *const valid_pool[] = {"*",   "prod*",      "web/*", "api",
                                             "a*b", "team/app-1", "x"};
    static const char *const types[] = {NULL, "WILDCARD", "WILDCARD", "PREFIX"};
    static const char *const rescans[] = {NULL,      "LIFETIME", "DAYS_3",
                                          "DAYS_30", "DAYS_180", "NEVER"};

    memset(g, 0, sizeof(*g));
    g->spec.status = PICK(statuses, seed);
    g->spec.scan_type = PICK(scan_types, seed);
    g->spec.rule_count = (int)(next_rand(seed) % 5);
    for (int r = 0; r < g->spec.rule_count; r++) {
        int nf = (int)(next_rand(seed) % 5);
        g->spec.rules[r].freq = PICK(freqs, seed);
        for (int f = 0; f < nf; f++) {
            g->spec.rules[r].filters[f] = PICK(pool, seed);
            g->spec.rules[r].types[f] = PICK(types, seed);
        }
    }
    g->spec.rescan = PICK(rescans, seed);
    int nwant = 1 + (int)(next_rand(seed) % 4);
    for (int f = 0; f < nwant; f++)
        g->want[f] = PICK(valid_pool, seed);
    g->freq =
        next_rand(seed) % 2 ? SW_SCAN_FREQUENCY_SCAN_ON_PUSH : SW_SCAN_FREQUENCY_CONTINUOUS_SCAN;
    g->rescan = next_rand(seed) % 2 ? NULL : "DAYS_60";
    build_actual(&g->spec, &g->store);
}

void plan_request(const struct sw_drift_plan *p, const struct sw_drift_action *a,
                  struct sw_buf *body)
{
    struct sw_error err = {0};
    sw_buf_init(body, 1 << 20);
    switch (a->api) {
    case SW_DRIFT_API_INSPECTOR2_ENABLE: {
        const char *ids[] = {p->account_id};
        const char *types[] = {"ECR"};
        if (sw_inspector2_enable_body(ids, 1, types, 1, NULL, body, &err) != 0)
            fail_msg("Enable body: %s", err.msg);
        break;
    }
    case SW_DRIFT_API_ECR_PUT_REGISTRY_SCANNING: {
        struct sw_ecr_scanning_configuration cfg = {0};
        if (sw_aws_io_registry_configuration(&p->target, &cfg, &err) != 0 ||
            sw_ecr_validate(&cfg, &err) != 0 || sw_ecr_put_body(&cfg, body, &err) != 0)
            fail_msg("the client refuses the plan's registry configuration: %s", err.msg);
        sw_ecr_scanning_configuration_clear(&cfg);
        break;
    }
    case SW_DRIFT_API_INSPECTOR2_UPDATE_CONFIGURATION:
        if (sw_inspector2_update_configuration_body(p->target.rescan_duration, body, &err) != 0)
            fail_msg("UpdateConfiguration body: %s", err.msg);
        break;
    }
}
