/* Contract test between the drift plan and the AWS client (handler/aws/): what the plan
 * asks for is what the client sends, and ECR would accept it. For generated states, the
 * plan's target registry configuration goes through the client's own builders, passes
 * sw_ecr_validate (AWS's rules: ENHANCED frequencies only, at most 2 rules, 1-100 valid
 * WILDCARD filters) and prints byte-for-byte as the plan's request body; the same for the
 * Enable and UpdateConfiguration bodies. The filter validators of the decision, the client
 * and the configuration (handler/config.c) agree on every short string. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drift_fixtures.h"
#include "handler/aws/ecr.h"
#include "handler/aws/inspector2.h"
#include "handler/config.h"
#include "handler/drift.h"

#include <stdio.h>
#include <string.h>

static void check_plan_against_client(const struct sw_drift_plan *p, const char *what)
{
    struct sw_buf body;
    struct sw_error err = {0};

    sw_buf_init(&body, 1 << 20);
    for (size_t i = 0; i < p->action_count; i++) {
        const struct sw_drift_action *a = &p->actions[i];
        switch (a->api) {
        case SW_DRIFT_API_INSPECTOR2_ENABLE: {
            const char *ids[] = {p->account_id};
            const char *types[] = {"ECR"};
            assert_int_equal(sw_inspector2_enable_body(ids, 1, types, 1, NULL, &body, &err), 0);
            break;
        }
        case SW_DRIFT_API_ECR_PUT_REGISTRY_SCANNING: {
            struct sw_ecr_scanning_configuration cfg = {0};
            snprintf(cfg.scan_type, sizeof(cfg.scan_type), "%s", p->target.scan_type);
            for (size_t r = 0; r < p->target.rule_count; r++) {
                const struct sw_drift_rule *dr = &p->target.rules[r];
                struct sw_ecr_rule *rule = NULL;
                assert_int_equal(sw_ecr_add_rule(&cfg, dr->scan_frequency, &rule, &err), 0);
                for (size_t f = 0; f < dr->filter_count; f++)
                    assert_int_equal(sw_ecr_rule_add_filter(rule, dr->filters[f].filter,
                                                            dr->filters[f].filter_type, &err),
                                     0);
            }
            if (sw_ecr_validate(&cfg, &err) != 0)
                fail_msg("%s: the client refuses the plan's configuration: %s", what, err.msg);
            assert_int_equal(sw_ecr_put_body(&cfg, &body, &err), 0);
            sw_ecr_scanning_configuration_free(&cfg);
            break;
        }
        case SW_DRIFT_API_INSPECTOR2_UPDATE_CONFIGURATION:
            assert_int_equal(
                sw_inspector2_update_configuration_body(p->target.rescan_duration, &body, &err), 0);
            break;
        }
        if (strcmp(sw_buf_cstr(&body), a->request_json) != 0)
            fail_msg("%s: %s\n client %s\n plan   %s", what, sw_drift_api_name(a->api),
                     sw_buf_cstr(&body), a->request_json);
    }
    sw_buf_free(&body);
}

static void generated_plans_are_what_the_client_sends(void **state)
{
    uint32_t seed = 424242;
    size_t writes = 0;
    for (int run = 0; run < 2000; run++) {
        struct drift_generated g;
        struct sw_drift_plan p = {0};
        struct sw_error err = {0};
        char what[64];

        drift_fixture_generate(&seed, &g);
        struct sw_desired_state d = desired(g.freq, g.want, g.rescan);
        if (sw_drift_decide(&d, &g.store.st, &p, &err) != 0)
            fail_msg("run %d: %s", run, err.msg);
        snprintf(what, sizeof(what), "generated state %d", run);
        check_plan_against_client(&p, what);
        writes += p.action_count > 0;
        sw_drift_plan_clear(&p);
    }
    /* The generator must exercise the writes, not just the empty plan. */
    assert_true(writes > 1000);
}

static void filter_validators_agree(void **state)
{
    const char alphabet[] = "a9*._-/A ";
    const size_t k = sizeof(alphabet) - 1;
    char s[8];
    for (size_t len = 1; len <= 5; len++) {
        size_t total = 1;
        for (size_t i = 0; i < len; i++)
            total *= k;
        for (size_t code = 0; code < total; code++) {
            size_t c = code;
            for (size_t i = 0; i < len; i++) {
                s[i] = alphabet[c % k];
                c /= k;
            }
            s[len] = '\0';
            if (sw_drift_filter_valid(s) != sw_ecr_filter_valid(s))
                fail_msg("\"%s\": drift says %d, ecr says %d", s, sw_drift_filter_valid(s),
                         sw_ecr_filter_valid(s));
            /* What the configuration accepts, the decision accepts (and the reverse). */
            if (sw_drift_filter_valid(s) != sw_cfg_filter_valid(s, len))
                fail_msg("\"%s\": drift says %d, config says %d", s, sw_drift_filter_valid(s),
                         sw_cfg_filter_valid(s, len));
        }
    }
    char max[SW_DRIFT_FILTER_LEN_MAX + 2];
    memset(max, 'x', sizeof(max));
    max[SW_DRIFT_FILTER_LEN_MAX] = '\0';
    assert_true(sw_drift_filter_valid(max) && sw_ecr_filter_valid(max) &&
                sw_cfg_filter_valid(max, SW_DRIFT_FILTER_LEN_MAX));
    max[SW_DRIFT_FILTER_LEN_MAX] = 'x';
    max[SW_DRIFT_FILTER_LEN_MAX + 1] = '\0';
    assert_true(!sw_drift_filter_valid(max) && !sw_ecr_filter_valid(max) &&
                !sw_cfg_filter_valid(max, SW_DRIFT_FILTER_LEN_MAX + 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(generated_plans_are_what_the_client_sends),
        cmocka_unit_test(filter_validators_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
