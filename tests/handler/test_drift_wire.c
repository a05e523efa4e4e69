/* Contract test between the drift plan and the AWS client (handler/aws/): what the plan
 * asks for is what the client sends, and ECR would accept it. For generated states, the
 * plan's target registry configuration goes through the function's own translation
 * (aws_io.c) and the client's builders, passes sw_ecr_validate (AWS's rules: ENHANCED
 * frequencies only, at most 2 rules, 1-100 valid WILDCARD filters), and the body sent
 * carries exactly the plan's rules and filters; the same for the Enable and
 * UpdateConfiguration bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "drift_fixtures.h"
#include "handler/decide/drift.h"

#include <cjson/cJSON.h>

#include <stdio.h>
#include <string.h>

static const char *json_str(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) ? v->valuestring : "(missing)";
}

/* The registry body holds exactly the plan's target rules and filters, in order. */
static void check_registry_body(const struct sw_drift_plan *p, const cJSON *body, const char *what)
{
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(body, "rules");
    if (strcmp(json_str(body, "scanType"), p->target.scan_type ? p->target.scan_type : "ENHANCED"))
        fail_msg("%s: scanType %s", what, json_str(body, "scanType"));
    assert_int_equal(cJSON_GetArraySize(rules), (int)p->target.rule_count);
    for (size_t r = 0; r < p->target.rule_count; r++) {
        const struct sw_drift_rule *dr = &p->target.rules[r];
        const cJSON *rule = cJSON_GetArrayItem(rules, (int)r);
        const cJSON *filters = cJSON_GetObjectItemCaseSensitive(rule, "repositoryFilters");
        assert_string_equal(json_str(rule, "scanFrequency"), dr->scan_frequency);
        assert_int_equal(cJSON_GetArraySize(filters), (int)dr->filter_count);
        for (size_t f = 0; f < dr->filter_count; f++) {
            const cJSON *flt = cJSON_GetArrayItem(filters, (int)f);
            assert_string_equal(json_str(flt, "filter"), dr->filters[f].filter);
            assert_string_equal(json_str(flt, "filterType"), "WILDCARD");
        }
    }
}

/* What the client sends for each action (built by plan_request, which also checks that
 * sw_ecr_validate accepts the registry configuration) carries the plan's parameters. */
static void check_plan_against_client(const struct sw_drift_plan *p, const char *what)
{
    for (size_t i = 0; i < p->action_count; i++) {
        const struct sw_drift_action *a = &p->actions[i];
        struct sw_buf request;
        plan_request(p, a, &request);
        cJSON *body = cJSON_Parse(sw_buf_cstr(&request));
        if (!body)
            fail_msg("%s: %s body is not JSON: %s", what, sw_drift_api_name(a->api),
                     sw_buf_cstr(&request));
        switch (a->api) {
        case SW_DRIFT_API_INSPECTOR2_ENABLE: {
            const cJSON *ids = cJSON_GetObjectItemCaseSensitive(body, "accountIds");
            const cJSON *types = cJSON_GetObjectItemCaseSensitive(body, "resourceTypes");
            assert_int_equal(cJSON_GetArraySize(ids), 1);
            assert_string_equal(cJSON_GetArrayItem(ids, 0)->valuestring, p->account_id);
            assert_int_equal(cJSON_GetArraySize(types), 1);
            assert_string_equal(cJSON_GetArrayItem(types, 0)->valuestring, "ECR");
            break;
        }
        case SW_DRIFT_API_ECR_PUT_REGISTRY_SCANNING:
            check_registry_body(p, body, what);
            break;
        case SW_DRIFT_API_INSPECTOR2_UPDATE_CONFIGURATION:
            assert_string_equal(json_str(cJSON_GetObjectItemCaseSensitive(body, "ecrConfiguration"),
                                         "rescanDuration"),
                                p->target.rescan_duration);
            break;
        }
        cJSON_Delete(body);
        sw_buf_clear(&request);
    }
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(generated_plans_are_what_the_client_sends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
