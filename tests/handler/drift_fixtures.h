/* Test fixtures for the drift tests: actual states written as compact specs, the desired
 * state for a filter list, and a deterministic generator of varied (often invalid or odd)
 * actual states, shared by test_drift and test_drift_wire. */
#ifndef SW_TEST_DRIFT_FIXTURES_H
#define SW_TEST_DRIFT_FIXTURES_H

#include "handler/core/buf.h"
#include "handler/decide/drift.h"

#include <stdint.h>

#define ACCOUNT "123456789012"
#define REGION "eu-west-1"
#define MAX_RULES 20
#define MAX_FILTERS 8

struct rule_spec {
    const char *freq;
    const char *filters[MAX_FILTERS]; /* NULL-terminated */
    const char *types[MAX_FILTERS];   /* NULL = no filterType (counts as WILDCARD) */
};

struct actual_spec {
    const char *status;
    const char *scan_type;
    int rule_count;
    struct rule_spec rules[4];
    const char *rescan;
};

/* The borrowed-pointer form sw_drift_decide reads; st points into the store itself. */
struct actual_store {
    struct sw_drift_rule rules[MAX_RULES];
    struct sw_drift_filter filters[MAX_RULES][MAX_FILTERS];
    struct sw_actual_state st;
};

void build_actual(const struct actual_spec *spec, struct actual_store *s);

/* Enforce mode, ACCOUNT/REGION, the NULL-terminated filter list. */
struct sw_desired_state desired(enum sw_scan_frequency freq, const char *const *filters,
                                const char *rescan);

/* One generated case: an actual state and the desired frequency, filters and rescan. */
struct drift_generated {
    struct actual_spec spec;
    struct actual_store store;
    const char *want[5]; /* NULL-terminated, 1..4 valid filters */
    enum sw_scan_frequency freq;
    const char *rescan; /* NULL or DAYS_60 */
};

/* Fills *g from the pseudo-random sequence in *seed (same seed, same cases). */
void drift_fixture_generate(uint32_t *seed, struct drift_generated *g);

/* The request body the AWS client sends for action a of plan p, built once the way the
 * function does: from the plan's typed parameters with the builders of handler/aws/ and,
 * for ECR, aws_io.c's sw_aws_io_registry_configuration (Enable without its per-call
 * clientToken). body is initialised here; the caller frees it. Fails the test when a
 * builder refuses the plan. */
void plan_request(const struct sw_drift_plan *p, const struct sw_drift_action *a,
                  struct sw_buf *body);

#endif
