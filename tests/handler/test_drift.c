/* Unit tests for sw_drift: table-driven decisions over Inspector status, registry scanning
 * configuration and rescan duration; the rule-merge policy; filter validation checked
 * against ECR's regular expression (POSIX regex); and idempotence: the state as AWS would
 * hold it after the plan's requests decides to an empty plan, over generated states. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/decide/drift.h"
#include "drift_fixtures.h"

#include <cjson/cJSON.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "drift1,drift2|api1,api2" */
static void describe(const struct sw_drift_plan *p, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < p->item_count; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? "," : "",
                                 sw_drift_name_str(p->items[i].name));
    used += (size_t)snprintf(out + used, cap - used, "|");
    for (size_t i = 0; i < p->action_count; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? "," : "",
                                 sw_drift_api_name(p->actions[i].api));
}

static const struct sw_drift_action *find_action(const struct sw_drift_plan *p,
                                                 enum sw_drift_api api)
{
    for (size_t i = 0; i < p->action_count; i++) {
        if (p->actions[i].api == api)
            return &p->actions[i];
    }
    return NULL;
}

static const struct sw_drift_item *find_item(const struct sw_drift_plan *p, enum sw_drift_name name)
{
    for (size_t i = 0; i < p->item_count; i++) {
        if (p->items[i].name == name)
            return &p->items[i];
    }
    return NULL;
}

/* ---- the table -------------------------------------------------------------------------- */

struct drift_case {
    const char *name;
    struct actual_spec actual;
    enum sw_scan_frequency freq;
    const char *filters[4];
    const char *rescan;
    const char *expect;        /* describe() of the plan */
    const char *registry_json; /* expected PutRegistryScanningConfiguration body, or NULL */
};

/* One case per line or two: a table reads better unformatted. */
/* clang-format off */
#define GOOD_RULES 1, {{"CONTINUOUS_SCAN", {"*"}, {"WILDCARD"}}}
#define CONT_ALL "{\"scanFrequency\":\"CONTINUOUS_SCAN\",\"repositoryFilters\":[{\"filter\":\"*\",\"filterType\":\"WILDCARD\"}]}"
#define PUT(rules) "{\"scanType\":\"ENHANCED\",\"rules\":[" rules "]}"
#define F(x) "{\"filter\":\"" x "\",\"filterType\":\"WILDCARD\"}"

static const struct drift_case CASES[] = {
    /* Inspector status */
    {"all good", {"ENABLED", "ENHANCED", GOOD_RULES, NULL}, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "|", NULL},
    {"enabling counts as enabled", {"ENABLING", "ENHANCED", GOOD_RULES, NULL}, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "|", NULL},
    {"disabled", {"DISABLED", "ENHANCED", GOOD_RULES, NULL}, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "inspector_ecr|inspector2:Enable", NULL},
    {"disabling", {"DISABLING", "ENHANCED", GOOD_RULES, NULL}, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "inspector_ecr|inspector2:Enable", NULL},
    {"suspended", {"SUSPENDED", "ENHANCED", GOOD_RULES, NULL}, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "inspector_ecr|inspector2:Enable", NULL},
    {"suspending", {"SUSPENDING", "ENHANCED", GOOD_RULES, NULL}, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "inspector_ecr|inspector2:Enable", NULL},
    {"account absent", {NULL, "ENHANCED", GOOD_RULES, NULL}, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "inspector_ecr|inspector2:Enable", NULL},
    {"unknown status", {"PAUSED_BY_AWS", "ENHANCED", GOOD_RULES, NULL}, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "inspector_ecr|inspector2:Enable", NULL},
    {"lower-case status is unknown", {"enabled", "ENHANCED", GOOD_RULES, NULL}, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "inspector_ecr|inspector2:Enable", NULL},
    /* Registry scan type and rules */
    {"basic, no rules", {"ENABLED", "BASIC", 0, {{0}}, NULL}, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL,
     "registry_scan_type,registry_rule|ecr:PutRegistryScanningConfiguration", PUT(CONT_ALL)},
    {"no configuration at all", {"ENABLED", NULL, 0, {{0}}, NULL}, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL,
     "registry_scan_type,registry_rule|ecr:PutRegistryScanningConfiguration", PUT(CONT_ALL)},
    {"basic whose rule already covers: only the scan type", {"ENABLED", "BASIC", 1, {{"SCAN_ON_PUSH", {"*"}, {"WILDCARD"}}}, NULL},
     SW_SCAN_FREQUENCY_SCAN_ON_PUSH, {"*"}, NULL, "registry_scan_type|ecr:PutRegistryScanningConfiguration",
     PUT("{\"scanFrequency\":\"SCAN_ON_PUSH\",\"repositoryFilters\":[" F("*") "]}")},
    {"basic scan-on-push rule kept beside the desired rule", {"ENABLED", "BASIC", 1, {{"SCAN_ON_PUSH", {"prod*"}, {"WILDCARD"}}}, NULL},
     SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "registry_scan_type,registry_rule|ecr:PutRegistryScanningConfiguration",
     PUT(CONT_ALL ",{\"scanFrequency\":\"SCAN_ON_PUSH\",\"repositoryFilters\":[" F("prod*") "]}")},
    {"basic manual rule dropped", {"ENABLED", "BASIC", 1, {{"MANUAL", {"*"}, {"WILDCARD"}}}, NULL},
     SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "registry_scan_type,registry_rule|ecr:PutRegistryScanningConfiguration", PUT(CONT_ALL)},
    {"unknown scan type", {"ENABLED", "SUPER", GOOD_RULES, NULL}, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL,
     "registry_scan_type|ecr:PutRegistryScanningConfiguration", PUT(CONT_ALL)},
    {"enhanced, no rules", {"ENABLED", "ENHANCED", 0, {{0}}, NULL}, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL,
     "registry_rule|ecr:PutRegistryScanningConfiguration", PUT(CONT_ALL)},
    {"enhanced, wrong frequency: user's rule kept", {"ENABLED", "ENHANCED", 1, {{"SCAN_ON_PUSH", {"*"}, {"WILDCARD"}}}, NULL},
     SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "registry_rule|ecr:PutRegistryScanningConfiguration",
     PUT(CONT_ALL ",{\"scanFrequency\":\"SCAN_ON_PUSH\",\"repositoryFilters\":[" F("*") "]}")},
    {"enhanced, manual rule only", {"ENABLED", "ENHANCED", 1, {{"MANUAL", {"*"}, {"WILDCARD"}}}, NULL},
     SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "registry_rule|ecr:PutRegistryScanningConfiguration", PUT(CONT_ALL)},
    {"enhanced covered with a stray manual rule: no drift", {"ENABLED", "ENHANCED", 2, {{"CONTINUOUS_SCAN", {"*"}, {"WILDCARD"}}, {"MANUAL", {"x"}, {"WILDCARD"}}}, NULL},
     SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "|", NULL},
    {"user's extra non-conflicting rule: no drift", {"ENABLED", "ENHANCED", 2, {{"SCAN_ON_PUSH", {"legacy/*"}, {"WILDCARD"}}, {"CONTINUOUS_SCAN", {"*"}, {"WILDCARD"}}}, NULL},
     SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "|", NULL},
    {"two user rules: merged, at most two", {"ENABLED", "ENHANCED", 2, {{"CONTINUOUS_SCAN", {"prod*"}, {"WILDCARD"}}, {"SCAN_ON_PUSH", {"dev*"}, {"WILDCARD"}}}, NULL},
     SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "registry_rule|ecr:PutRegistryScanningConfiguration",
     PUT("{\"scanFrequency\":\"CONTINUOUS_SCAN\",\"repositoryFilters\":[" F("*") "," F("prod*") "]},"
         "{\"scanFrequency\":\"SCAN_ON_PUSH\",\"repositoryFilters\":[" F("dev*") "]}")},
    {"four rules (moto): two after, manual dropped", {"ENABLED", "ENHANCED", 4, {{"SCAN_ON_PUSH", {"b"}, {0}}, {"CONTINUOUS_SCAN", {"a"}, {0}}, {"SCAN_ON_PUSH", {"c", "b"}, {0}}, {"MANUAL", {"d"}, {0}}}, NULL},
     SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "registry_rule|ecr:PutRegistryScanningConfiguration",
     PUT("{\"scanFrequency\":\"CONTINUOUS_SCAN\",\"repositoryFilters\":[" F("*") "," F("a") "]},"
         "{\"scanFrequency\":\"SCAN_ON_PUSH\",\"repositoryFilters\":[" F("b") "," F("c") "]}")},
    {"filters partially covered", {"ENABLED", "ENHANCED", 1, {{"CONTINUOUS_SCAN", {"web*"}, {"WILDCARD"}}}, NULL},
     SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"web*", "api*"}, NULL, "registry_rule|ecr:PutRegistryScanningConfiguration",
     PUT("{\"scanFrequency\":\"CONTINUOUS_SCAN\",\"repositoryFilters\":[" F("web*") "," F("api*") "]}")},
    {"filters covered in another order, with more", {"ENABLED", "ENHANCED", 1, {{"CONTINUOUS_SCAN", {"api*", "x", "web*"}, {0}}}, NULL},
     SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"web*", "api*"}, NULL, "|", NULL},
    {"filters split across two rules of the frequency are not covered", {"ENABLED", "ENHANCED", 2, {{"CONTINUOUS_SCAN", {"api*"}, {0}}, {"CONTINUOUS_SCAN", {"web*"}, {0}}}, NULL},
     SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"web*", "api*"}, NULL, "registry_rule|ecr:PutRegistryScanningConfiguration",
     PUT("{\"scanFrequency\":\"CONTINUOUS_SCAN\",\"repositoryFilters\":[" F("web*") "," F("api*") "]}")},
    {"a * rule does not cover prod* (exact filters)", {"ENABLED", "ENHANCED", GOOD_RULES, NULL},
     SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"prod*"}, NULL, "registry_rule|ecr:PutRegistryScanningConfiguration",
     PUT("{\"scanFrequency\":\"CONTINUOUS_SCAN\",\"repositoryFilters\":[" F("prod*") "," F("*") "]}")},
    {"non-WILDCARD filter type does not cover and is dropped", {"ENABLED", "ENHANCED", 1, {{"CONTINUOUS_SCAN", {"*"}, {"PREFIX"}}}, NULL},
     SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "registry_rule|ecr:PutRegistryScanningConfiguration", PUT(CONT_ALL)},
    {"user's invalid filters dropped from the merge", {"ENABLED", "ENHANCED", 1, {{"SCAN_ON_PUSH", {"Bad Name", "ok", "a..b"}, {0}}}, NULL},
     SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "registry_rule|ecr:PutRegistryScanningConfiguration",
     PUT(CONT_ALL ",{\"scanFrequency\":\"SCAN_ON_PUSH\",\"repositoryFilters\":[" F("ok") "]}")},
    {"other-frequency rule left empty is not written", {"ENABLED", "ENHANCED", 1, {{"SCAN_ON_PUSH", {"UPPER"}, {0}}}, NULL},
     SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "registry_rule|ecr:PutRegistryScanningConfiguration", PUT(CONT_ALL)},
    {"rule without frequency dropped", {"ENABLED", "ENHANCED", 1, {{NULL, {"*"}, {0}}}, NULL},
     SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "registry_rule|ecr:PutRegistryScanningConfiguration", PUT(CONT_ALL)},
    {"duplicate desired filters written once", {"ENABLED", "ENHANCED", 0, {{0}}, NULL},
     SW_SCAN_FREQUENCY_SCAN_ON_PUSH, {"a*", "a*", "b"}, NULL, "registry_rule|ecr:PutRegistryScanningConfiguration",
     PUT("{\"scanFrequency\":\"SCAN_ON_PUSH\",\"repositoryFilters\":[" F("a*") "," F("b") "]}")},
    /* Rescan duration */
    {"rescan unmanaged, any value", {"ENABLED", "ENHANCED", GOOD_RULES, "DAYS_14"}, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, NULL, "|", NULL},
    {"rescan managed, equal", {"ENABLED", "ENHANCED", GOOD_RULES, "DAYS_30"}, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, "DAYS_30", "|", NULL},
    {"rescan managed, different", {"ENABLED", "ENHANCED", GOOD_RULES, "LIFETIME"}, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, "DAYS_30",
     "rescan_duration|inspector2:UpdateConfiguration", NULL},
    {"rescan managed, not returned", {"ENABLED", "ENHANCED", GOOD_RULES, NULL}, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, "DAYS_3",
     "rescan_duration|inspector2:UpdateConfiguration", NULL},
    /* Everything */
    {"everything drifted, actions in order", {NULL, "BASIC", 0, {{0}}, "DAYS_180"}, SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, {"*"}, "LIFETIME",
     "inspector_ecr,registry_scan_type,registry_rule,rescan_duration|inspector2:Enable,ecr:PutRegistryScanningConfiguration,inspector2:UpdateConfiguration",
     PUT(CONT_ALL)},
};
/* clang-format on */

static void table_of_decisions(void **state)
{
    size_t n = sizeof(CASES) / sizeof(CASES[0]);
    for (size_t i = 0; i < n; i++) {
        const struct drift_case *c = &CASES[i];
        struct actual_store s;
        struct sw_drift_plan p = {0};
        struct sw_error err = {0};
        char got[512];

        build_actual(&c->actual, &s);
        struct sw_desired_state d = desired(c->freq, c->filters, c->rescan);
        int rc = sw_drift_decide(&d, &s.st, &p, &err);
        if (rc != 0)
            fail_msg("case \"%s\": rc %d: %s", c->name, rc, err.msg);
        describe(&p, got, sizeof(got));
        if (strcmp(got, c->expect) != 0)
            fail_msg("case \"%s\": plan %s, expected %s", c->name, got, c->expect);
        assert_true(p.checked);
        assert_true(p.execute);
        const struct sw_drift_action *put = find_action(&p, SW_DRIFT_API_ECR_PUT_REGISTRY_SCANNING);
        if (c->registry_json) {
            assert_non_null(put);
            struct sw_buf body;
            plan_request(&p, put, &body);
            if (strcmp(sw_buf_cstr(&body), c->registry_json) != 0)
                fail_msg("case \"%s\":\n got      %s\n expected %s", c->name, sw_buf_cstr(&body),
                         c->registry_json);
            sw_buf_clear(&body);
        }
        assert_true(p.target.rule_count <= SW_DRIFT_RULES_MAX || !put);
        sw_drift_plan_clear(&p);
    }
}

/* ---- request bodies and texts ----------------------------------------------------------- */

static void enable_and_update_bodies(void **state)
{
    struct actual_spec spec = {"DISABLED", "ENHANCED", GOOD_RULES, "DAYS_14"};
    const char *filters[] = {"*", NULL};
    struct actual_store s;
    struct sw_drift_plan p = {0};
    build_actual(&spec, &s);
    struct sw_desired_state d = desired(SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, filters, "DAYS_90");
    assert_int_equal(sw_drift_decide(&d, &s.st, &p, NULL), 0);
    struct sw_buf body;
    plan_request(&p, find_action(&p, SW_DRIFT_API_INSPECTOR2_ENABLE), &body);
    assert_string_equal(sw_buf_cstr(&body),
                        "{\"resourceTypes\":[\"ECR\"],\"accountIds\":[\"123456789012\"]}");
    sw_buf_clear(&body);
    plan_request(&p, find_action(&p, SW_DRIFT_API_INSPECTOR2_UPDATE_CONFIGURATION), &body);
    assert_string_equal(sw_buf_cstr(&body),
                        "{\"ecrConfiguration\":{\"rescanDuration\":\"DAYS_90\"}}");
    sw_buf_clear(&body);
    const struct sw_drift_item *it = find_item(&p, SW_DRIFT_INSPECTOR_ECR);
    assert_string_equal(it->before, "DISABLED");
    assert_string_equal(it->after, "ENABLED");
    it = find_item(&p, SW_DRIFT_RESCAN_DURATION);
    assert_string_equal(it->before, "DAYS_14");
    assert_string_equal(it->after, "DAYS_90");
    assert_string_equal(find_action(&p, SW_DRIFT_API_INSPECTOR2_ENABLE)->summary,
                        "inspector2:Enable (resourceTypes [ECR], accountIds [123456789012])");
    assert_string_equal(p.account_id, ACCOUNT);
    assert_string_equal(p.region, REGION);
    sw_drift_plan_clear(&p);
}

static void before_after_texts_describe_the_rules(void **state)
{
    struct actual_spec spec = {
        NULL, NULL, 2, {{"MANUAL", {"*"}, {0}}, {"SCAN_ON_PUSH", {"web/*", "api"}, {0}}}, NULL};
    const char *filters[] = {"*", NULL};
    struct actual_store s;
    struct sw_drift_plan p = {0};
    build_actual(&spec, &s);
    struct sw_desired_state d = desired(SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, filters, NULL);
    assert_int_equal(sw_drift_decide(&d, &s.st, &p, NULL), 0);
    assert_string_equal(find_item(&p, SW_DRIFT_INSPECTOR_ECR)->before,
                        "DISABLED (account not listed)");
    assert_string_equal(find_item(&p, SW_DRIFT_REGISTRY_SCAN_TYPE)->before,
                        "BASIC (no configuration)");
    assert_string_equal(find_item(&p, SW_DRIFT_REGISTRY_SCAN_TYPE)->after, "ENHANCED");
    const struct sw_drift_item *r = find_item(&p, SW_DRIFT_REGISTRY_RULE);
    assert_string_equal(r->before, "MANUAL [*]; SCAN_ON_PUSH [web/*, api]");
    assert_string_equal(r->after, "CONTINUOUS_SCAN [*]; SCAN_ON_PUSH [web/*, api] (dropped: 1 "
                                  "rule(s) not valid under ENHANCED, 0 invalid or surplus "
                                  "filter(s))");
    assert_string_equal(find_action(&p, SW_DRIFT_API_ECR_PUT_REGISTRY_SCANNING)->summary,
                        "ecr:PutRegistryScanningConfiguration (scanType ENHANCED, rules: "
                        "CONTINUOUS_SCAN [*]; SCAN_ON_PUSH [web/*, api])");
    sw_drift_plan_clear(&p);
}

static void long_texts_are_cut_with_an_ellipsis(void **state)
{
    static char names[MAX_FILTERS][256];
    struct actual_spec spec = {"ENABLED", "ENHANCED", 1, {{"SCAN_ON_PUSH", {0}, {0}}}, NULL};
    for (int i = 0; i < MAX_FILTERS - 1; i++) {
        memset(names[i], 'a' + i, 255);
        names[i][255] = '\0';
        spec.rules[0].filters[i] = names[i];
    }
    const char *filters[] = {"*", NULL};
    struct actual_store s;
    struct sw_drift_plan p = {0};
    build_actual(&spec, &s);
    struct sw_desired_state d = desired(SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, filters, NULL);
    assert_int_equal(sw_drift_decide(&d, &s.st, &p, NULL), 0);
    const struct sw_drift_item *r = find_item(&p, SW_DRIFT_REGISTRY_RULE);
    assert_int_equal(strlen(r->before), SW_DRIFT_TEXT_MAX - 1);
    assert_string_equal(r->before + SW_DRIFT_TEXT_MAX - 4, "...");
    /* The request itself is complete: every valid filter of the user is kept. */
    struct sw_buf body;
    plan_request(&p, find_action(&p, SW_DRIFT_API_ECR_PUT_REGISTRY_SCANNING), &body);
    cJSON *req = cJSON_Parse(sw_buf_cstr(&body));
    sw_buf_clear(&body);
    cJSON *rules = cJSON_GetObjectItemCaseSensitive(req, "rules");
    cJSON *second = cJSON_GetArrayItem(rules, 1);
    assert_int_equal(
        cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(second, "repositoryFilters")),
        MAX_FILTERS - 1);
    cJSON_Delete(req);
    sw_drift_plan_clear(&p);
}

static void surplus_filters_capped_at_ecr_limit(void **state)
{
    /* 100 desired filters + a user's other filters of the same frequency: 100 written. */
    static char names[SW_DRIFT_FILTERS_MAX][8];
    static const char *list[SW_DRIFT_FILTERS_MAX + 1];
    for (int i = 0; i < SW_DRIFT_FILTERS_MAX; i++) {
        snprintf(names[i], sizeof(names[i]), "r%d", i);
        list[i] = names[i];
    }
    struct actual_spec spec = {
        "ENABLED", "ENHANCED", 1, {{"CONTINUOUS_SCAN", {"extra1", "extra2"}, {0}}}, NULL};
    struct actual_store s;
    struct sw_drift_plan p = {0};
    build_actual(&spec, &s);
    struct sw_desired_state d = desired(SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, list, NULL);
    assert_int_equal(sw_drift_decide(&d, &s.st, &p, NULL), 0);
    assert_int_equal(p.target.rule_count, 1);
    assert_int_equal(p.target.rules[0].filter_count, SW_DRIFT_FILTERS_MAX);
    assert_non_null(
        strstr(find_item(&p, SW_DRIFT_REGISTRY_RULE)->after, "2 invalid or surplus filter(s)"));
    sw_drift_plan_clear(&p);
}

/* ---- modes ------------------------------------------------------------------------------ */

static void dry_run_is_the_same_plan_not_executed(void **state)
{
    struct actual_spec spec = {"DISABLED", "BASIC", 0, {{0}}, NULL};
    const char *filters[] = {"*", NULL};
    struct actual_store s;
    struct sw_drift_plan enforce = {0}, dry = {0};
    char a[512], b[512];
    build_actual(&spec, &s);
    struct sw_desired_state d = desired(SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, filters, NULL);
    assert_int_equal(sw_drift_decide(&d, &s.st, &enforce, NULL), 0);
    d.mode = SW_MODE_DRY_RUN;
    assert_int_equal(sw_drift_decide(&d, &s.st, &dry, NULL), 0);
    describe(&enforce, a, sizeof(a));
    describe(&dry, b, sizeof(b));
    assert_string_equal(a, b);
    assert_true(dry.checked);
    assert_false(dry.execute);
    assert_true(enforce.execute);
    assert_int_equal(dry.mode, SW_MODE_DRY_RUN);
    struct sw_buf dry_body, enforce_body;
    plan_request(&dry, &dry.actions[1], &dry_body);
    plan_request(&enforce, &enforce.actions[1], &enforce_body);
    assert_string_equal(sw_buf_cstr(&dry_body), sw_buf_cstr(&enforce_body));
    sw_buf_clear(&dry_body);
    sw_buf_clear(&enforce_body);
    sw_drift_plan_clear(&enforce);
    sw_drift_plan_clear(&dry);
}

static void off_checks_nothing(void **state)
{
    struct actual_spec spec = {"DISABLED", "BASIC", 0, {{0}}, NULL};
    const char *filters[] = {"*", NULL};
    struct actual_store s;
    struct sw_drift_plan p = {0};
    build_actual(&spec, &s);
    struct sw_desired_state d = desired(SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, filters, "DAYS_30");
    d.mode = SW_MODE_OFF;
    assert_int_equal(sw_drift_decide(&d, &s.st, &p, NULL), 0);
    assert_false(p.checked);
    assert_false(p.execute);
    assert_int_equal(p.item_count, 0);
    assert_int_equal(p.action_count, 0);
    sw_drift_plan_clear(&p);
}

/* ---- invalid input ---------------------------------------------------------------------- */

static void invalid_desired_state_is_refused(void **state)
{
    static char long_filter[SW_DRIFT_FILTER_LEN_MAX + 2];
    memset(long_filter, 'a', SW_DRIFT_FILTER_LEN_MAX + 1);
    struct {
        const char *filter;
        const char *rescan;
        const char *account;
        const char *region;
        const char *msg;
    } bad[] = {
        {"Prod*", NULL, ACCOUNT, REGION, "\"Prod*\" is not a valid ECR filter"},
        {"a..b", NULL, ACCOUNT, REGION, "\"a..b\" is not a valid ECR filter"},
        {"-a", NULL, ACCOUNT, REGION, "\"-a\" is not a valid ECR filter"},
        {"a/", NULL, ACCOUNT, REGION, "\"a/\" is not a valid ECR filter"},
        {"", NULL, ACCOUNT, REGION, "\"\" is not a valid ECR filter"},
        {"web app", NULL, ACCOUNT, REGION, "\"web app\" is not a valid ECR filter"},
        {long_filter, NULL, ACCOUNT, REGION, "is not a valid ECR filter"},
        {"*", "DAYS_1", ACCOUNT, REGION, "ECR_RESCAN_DURATION: \"DAYS_1\" is not LIFETIME"},
        {"*", "days_30", ACCOUNT, REGION, "ECR_RESCAN_DURATION: \"days_30\""},
        {"*", NULL, "12345678901", REGION, "account id \"12345678901\" is not 12 digits"},
        {"*", NULL, "1234567890123", REGION, "is not 12 digits"},
        {"*", NULL, NULL, REGION, "is not 12 digits"},
        {"*", NULL, ACCOUNT, "", "region \"\" is not a region name"},
        {"*", NULL, ACCOUNT, "eu west 1", "region \"eu west 1\""},
    };
    struct actual_spec spec = {"DISABLED", "BASIC", 0, {{0}}, NULL};
    struct actual_store s;
    build_actual(&spec, &s);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *filters[] = {"web*", bad[i].filter, NULL};
        struct sw_drift_plan p = {0};
        struct sw_error err = {0};
        struct sw_desired_state d =
            desired(SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, filters, bad[i].rescan);
        d.account_id = bad[i].account;
        d.region = bad[i].region;
        assert_int_equal(sw_drift_decide(&d, &s.st, &p, &err), SW_EINVAL);
        if (!strstr(err.msg, bad[i].msg))
            fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, err.msg, bad[i].msg);
        assert_int_equal(p.item_count, 0);
        assert_int_equal(p.action_count, 0);
        assert_false(p.checked);
    }
}

static void filter_count_limits(void **state)
{
    static char names[SW_DRIFT_FILTERS_MAX + 1][8];
    static const char *list[SW_DRIFT_FILTERS_MAX + 2];
    for (int i = 0; i <= SW_DRIFT_FILTERS_MAX; i++) {
        snprintf(names[i], sizeof(names[i]), "r%d", i);
        list[i] = names[i];
    }
    struct actual_spec spec = {"ENABLED", "ENHANCED", 0, {{0}}, NULL};
    struct actual_store s;
    struct sw_drift_plan p = {0};
    struct sw_error err = {0};
    build_actual(&spec, &s);
    struct sw_desired_state d = desired(SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, list, NULL);
    assert_int_equal(d.filter_count, SW_DRIFT_FILTERS_MAX + 1);
    assert_int_equal(sw_drift_decide(&d, &s.st, &p, &err), SW_EINVAL);
    assert_non_null(strstr(err.msg, "101 filters, ECR accepts at most 100"));
    d.filter_count = 0;
    assert_int_equal(sw_drift_decide(&d, &s.st, &p, &err), SW_EINVAL);
    assert_non_null(strstr(err.msg, "no filter"));
    d.filter_count = SW_DRIFT_FILTERS_MAX;
    assert_int_equal(sw_drift_decide(&d, &s.st, &p, &err), 0);
    assert_int_equal(p.target.rules[0].filter_count, SW_DRIFT_FILTERS_MAX);
    sw_drift_plan_clear(&p);
}

static void oversized_read_back_is_refused(void **state)
{
    struct actual_store s;
    struct actual_spec spec = {"ENABLED", "ENHANCED", 0, {{0}}, NULL};
    const char *filters[] = {"*", NULL};
    struct sw_drift_plan p = {0};
    struct sw_error err = {0};
    build_actual(&spec, &s);
    for (int i = 0; i < MAX_RULES; i++)
        s.rules[i].scan_frequency = "SCAN_ON_PUSH";
    s.st.rule_count = SW_DRIFT_READ_RULES_MAX + 1;
    struct sw_desired_state d = desired(SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, filters, NULL);
    assert_int_equal(sw_drift_decide(&d, &s.st, &p, &err), SW_ELIMIT);
    assert_non_null(strstr(err.msg, "17 scanning rules"));
    s.st.rule_count = 1;
    s.rules[0].filters = s.filters[0];
    s.rules[0].filter_count = SW_DRIFT_READ_FILTERS_MAX + 1;
    assert_int_equal(sw_drift_decide(&d, &s.st, &p, &err), SW_ELIMIT);
    assert_int_equal(p.item_count, 0);
}

/* ---- filter validation against ECR's regular expression --------------------------------- */

static void filter_validation_matches_ecr_pattern(void **state)
{
    /* ECR: ^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$ in POSIX ERE form. */
    regex_t re;
    assert_int_equal(regcomp(&re, "^[a-z0-9*]([._/-]?[a-z0-9*]+)*$", REG_EXTENDED | REG_NOSUB), 0);
    const char alphabet[] = "a9*._-/A ";
    const size_t k = sizeof(alphabet) - 1;
    char s[8];
    size_t checked = 0;
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
            bool want = regexec(&re, s, 0, NULL, 0) == 0;
            if (sw_repository_filter_ok(s) != want)
                fail_msg("filter \"%s\": regex says %d", s, want);
            checked++;
        }
    }
    regfree(&re);
    assert_int_equal(checked, 9 + 81 + 729 + 6561 + 59049);
    /* Length limits: 255 accepted, 256 refused. */
    char max[SW_DRIFT_FILTER_LEN_MAX + 2];
    memset(max, 'x', sizeof(max));
    max[SW_DRIFT_FILTER_LEN_MAX] = '\0';
    assert_true(sw_repository_filter_ok(max));
    max[SW_DRIFT_FILTER_LEN_MAX] = 'x';
    max[SW_DRIFT_FILTER_LEN_MAX + 1] = '\0';
    assert_false(sw_repository_filter_ok(max));
    assert_false(sw_repository_filter_ok(NULL));
    assert_true(sw_repository_filter_ok("team/web-app_v2.1*"));
}

static void rescan_values(void **state)
{
    const char *ok[] = {"LIFETIME", "DAYS_3",  "DAYS_7",  "DAYS_14",
                        "DAYS_30",  "DAYS_60", "DAYS_90", "DAYS_180"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        assert_true(sw_drift_rescan_valid(ok[i]));
    assert_false(sw_drift_rescan_valid("DAYS_1"));
    assert_false(sw_drift_rescan_valid("lifetime"));
    assert_false(sw_drift_rescan_valid(""));
    assert_false(sw_drift_rescan_valid(NULL));
}

/* ---- idempotence: the state after remediation decides to nothing ------------------------ */

/* The state as AWS holds it once the plan's requests succeeded: parsed from the request
 * bodies, not from the plan's own target, so the JSON is checked too. */
struct readback {
    cJSON *registry;
    cJSON *update;
    struct sw_drift_rule rules[MAX_RULES];
    struct sw_drift_filter filters[MAX_RULES][SW_DRIFT_FILTERS_MAX];
    struct sw_actual_state st;
};

static const char *json_str(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void apply_plan(const struct sw_drift_plan *p, const struct sw_actual_state *before,
                       struct readback *rb)
{
    memset(rb, 0, sizeof(*rb));
    rb->st = *before;
    for (size_t i = 0; i < p->action_count; i++) {
        const struct sw_drift_action *a = &p->actions[i];
        struct sw_buf request;
        plan_request(p, a, &request);
        cJSON *body = cJSON_Parse(sw_buf_cstr(&request));
        sw_buf_clear(&request);
        assert_non_null(body);
        switch (a->api) {
        case SW_DRIFT_API_INSPECTOR2_ENABLE: {
            const cJSON *ids = cJSON_GetObjectItemCaseSensitive(body, "accountIds");
            const cJSON *types = cJSON_GetObjectItemCaseSensitive(body, "resourceTypes");
            assert_int_equal(cJSON_GetArraySize(ids), 1);
            assert_string_equal(cJSON_GetArrayItem(ids, 0)->valuestring, ACCOUNT);
            assert_string_equal(cJSON_GetArrayItem(types, 0)->valuestring, "ECR");
            rb->st.inspector_ecr_status = "ENABLED";
            cJSON_Delete(body);
            break;
        }
        case SW_DRIFT_API_ECR_PUT_REGISTRY_SCANNING: {
            rb->registry = body;
            rb->st.scan_type = json_str(body, "scanType");
            assert_string_equal(rb->st.scan_type, "ENHANCED");
            const cJSON *rules = cJSON_GetObjectItemCaseSensitive(body, "rules");
            int nr = cJSON_GetArraySize(rules);
            assert_in_range(nr, 1, SW_DRIFT_RULES_MAX);
            for (int r = 0; r < nr; r++) {
                const cJSON *rule = cJSON_GetArrayItem(rules, r);
                const char *freq = json_str(rule, "scanFrequency");
                assert_true(strcmp(freq, "CONTINUOUS_SCAN") == 0 ||
                            strcmp(freq, "SCAN_ON_PUSH") == 0);
                if (r == 1)
                    assert_string_not_equal(freq, rb->rules[0].scan_frequency);
                const cJSON *fs = cJSON_GetObjectItemCaseSensitive(rule, "repositoryFilters");
                int nf = cJSON_GetArraySize(fs);
                assert_in_range(nf, 1, SW_DRIFT_FILTERS_MAX);
                for (int f = 0; f < nf; f++) {
                    const cJSON *fo = cJSON_GetArrayItem(fs, f);
                    rb->filters[r][f].filter = json_str(fo, "filter");
                    rb->filters[r][f].filter_type = json_str(fo, "filterType");
                    assert_true(sw_repository_filter_ok(rb->filters[r][f].filter));
                    assert_string_equal(rb->filters[r][f].filter_type, "WILDCARD");
                }
                rb->rules[r].scan_frequency = freq;
                rb->rules[r].filters = rb->filters[r];
                rb->rules[r].filter_count = (size_t)nf;
            }
            rb->st.rules = rb->rules;
            rb->st.rule_count = (size_t)nr;
            break;
        }
        case SW_DRIFT_API_INSPECTOR2_UPDATE_CONFIGURATION:
            rb->update = body;
            rb->st.rescan_duration = json_str(
                cJSON_GetObjectItemCaseSensitive(body, "ecrConfiguration"), "rescanDuration");
            assert_non_null(rb->st.rescan_duration);
            break;
        }
    }
}

static void readback_free(struct readback *rb)
{
    cJSON_Delete(rb->registry);
    cJSON_Delete(rb->update);
}

static void assert_no_drift_after(const struct sw_desired_state *d,
                                  const struct sw_actual_state *actual, const char *what)
{
    struct sw_drift_plan p = {0}, again = {0}, from_target = {0};
    struct readback rb;
    struct sw_error err = {0};
    char got[512];

    if (sw_drift_decide(d, actual, &p, &err) != 0)
        fail_msg("%s: %s", what, err.msg);
    apply_plan(&p, actual, &rb);
    assert_int_equal(sw_drift_decide(d, &rb.st, &again, &err), 0);
    describe(&again, got, sizeof(got));
    if (again.item_count != 0 || again.action_count != 0)
        fail_msg("%s: after remediation the plan is still %s", what, got);
    /* The plan's own target says the same. */
    assert_int_equal(sw_drift_decide(d, &p.target, &from_target, &err), 0);
    assert_int_equal(from_target.item_count, 0);
    /* An empty plan changes nothing: its target is the state it was given. */
    if (p.item_count == 0) {
        assert_int_equal(p.action_count, 0);
        assert_ptr_equal(p.target.rules, actual->rules);
    }
    sw_drift_plan_clear(&from_target);
    sw_drift_plan_clear(&again);
    readback_free(&rb);
    sw_drift_plan_clear(&p);
}

static void state_after_remediation_has_no_drift(void **state)
{
    /* The scenario behind the loop protection: everything off, restored, then the
     * function's own CloudTrail events (Enable, PutRegistryScanningConfiguration) arrive
     * and the check runs again on the restored state. */
    struct actual_spec spec = {NULL, NULL, 0, {{0}}, NULL};
    const char *filters[] = {"*", NULL};
    struct actual_store s;
    build_actual(&spec, &s);
    struct sw_desired_state d = desired(SW_SCAN_FREQUENCY_CONTINUOUS_SCAN, filters, "DAYS_30");
    assert_no_drift_after(&d, &s.st, "all off");
    for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++) {
        build_actual(&CASES[i].actual, &s);
        d = desired(CASES[i].freq, CASES[i].filters, CASES[i].rescan);
        assert_no_drift_after(&d, &s.st, CASES[i].name);
    }
}

static void generated_states_are_idempotent(void **state)
{
    uint32_t seed = 20261126;
    const int runs = 3000;

    for (int run = 0; run < runs; run++) {
        struct drift_generated g;
        char what[64];

        drift_fixture_generate(&seed, &g);
        struct sw_desired_state d = desired(g.freq, g.want, g.rescan);
        snprintf(what, sizeof(what), "generated state %d", run);
        assert_no_drift_after(&d, &g.store.st, what);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_of_decisions),
        cmocka_unit_test(enable_and_update_bodies),
        cmocka_unit_test(before_after_texts_describe_the_rules),
        cmocka_unit_test(long_texts_are_cut_with_an_ellipsis),
        cmocka_unit_test(surplus_filters_capped_at_ecr_limit),
        cmocka_unit_test(dry_run_is_the_same_plan_not_executed),
        cmocka_unit_test(off_checks_nothing),
        cmocka_unit_test(invalid_desired_state_is_refused),
        cmocka_unit_test(filter_count_limits),
        cmocka_unit_test(oversized_read_back_is_refused),
        cmocka_unit_test(filter_validation_matches_ecr_pattern),
        cmocka_unit_test(rescan_values),
        cmocka_unit_test(state_after_remediation_has_no_drift),
        cmocka_unit_test(generated_states_are_idempotent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
