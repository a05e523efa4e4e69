/* fuzz_function: libFuzzer entry point for a whole invocation, payload to notification.
 *
 * The first two bytes choose the configuration (mode, MIN_SEVERITY, rescan management) and
 * the account's state as the fake I/O reports it (Inspector status, scan type, rules, read,
 * write and publish failures, AWS error texts with control characters); the rest is the
 * payload given to sw_function_handle. Every notification published must satisfy docs/contract.md
 * §4 and every answer must be a JSON object (success) or an error type with a message. */
#include "fuzz_check.h"
#include "handler/function.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fake {
    uint8_t state;
    struct sw_drift_filter filters[2];
    struct sw_drift_rule rules[2];
    int published;
};

static const char *const STATUSES[] = {NULL,       "ENABLED",    "DISABLED",
                                       "ENABLING", "SUSPENDING", "NEW_VALUE\x1b[31m\n"};
static const char *const SCAN_TYPES[] = {NULL, "BASIC", "ENHANCED", "ENHANCED"};
/* An AWS error message an attacker cannot write, but a buggy endpoint could: it must not
 * break the notification's format or the log line. */
static const char DENIED_MESSAGE[] = "User: arn:aws:sts::123456789012:assumed-role/x is not "
                                     "authorized\r\n\x1b[2J\x07 to perform \xff\xfe this action";

static int fake_read(void *ctx, const char *account, bool read_rescan, struct sw_actual_state *out,
                     struct sw_action_result *failure)
{
    struct fake *f = ctx;
    memset(out, 0, sizeof(*out));
    if ((f->state & 0xc0) == 0xc0) {
        failure->api = "inspector2:BatchGetAccountStatus";
        failure->ok = false;
        failure->error_code = "ThrottlingException";
        failure->error_message = DENIED_MESSAGE;
        return -1;
    }
    out->inspector_ecr_status = STATUSES[f->state % 6];
    out->scan_type = SCAN_TYPES[(f->state >> 3) & 3];
    f->filters[0] = (struct sw_drift_filter){"*", NULL};
    f->filters[1] = (struct sw_drift_filter){"prod-*", "WILDCARD"};
    f->rules[0] = (struct sw_drift_rule){(f->state & 0x20) ? "SCAN_ON_PUSH" : "CONTINUOUS_SCAN",
                                         f->filters, (f->state & 0x40) ? 2 : 1};
    f->rules[1] = (struct sw_drift_rule){"MANUAL", f->filters + 1, 1};
    out->rules = f->rules;
    out->rule_count = (f->state & 0x80) ? 2 : 1;
    out->rescan_duration = read_rescan ? ((f->state & 1) ? "DAYS_30" : "LIFETIME") : NULL;
    return 0;
}

static void fake_perform(void *ctx, const struct sw_drift_plan *plan,
                         struct sw_action_result *results)
{
    struct fake *f = ctx;
    for (size_t i = 0; i < plan->action_count; i++) {
        bool fail = (f->state & 0x10) && i == 0;
        results[i] = (struct sw_action_result){sw_drift_api_name(plan->actions[i].api), !fail,
                                               fail ? "AccessDeniedException" : NULL,
                                               fail ? DENIED_MESSAGE : NULL};
    }
}

static int fake_publish(void *ctx, const struct sw_notification *n, struct sw_error *err)
{
    struct fake *f = ctx;
    fuzz_check_notification(n);
    f->published++;
    if ((f->state & 0x18) == 0x18)
        return sw_error_set(err, SW_EAWS, "NotFound: Topic does not exist");
    return 0;
}

struct env {
    const char *mode, *severity, *rescan;
};

static const char *lookup(void *ctx, const char *name)
{
    const struct env *e = ctx;
    if (strcmp(name, "SNS_TOPIC_ARN") == 0)
        return "arn:aws:sns:eu-west-1:123456789012:scanwarden";
    if (strcmp(name, "REMEDIATION_MODE") == 0)
        return e->mode;
    if (strcmp(name, "MIN_SEVERITY") == 0)
        return e->severity;
    if (strcmp(name, "ECR_RESCAN_DURATION") == 0)
        return e->rescan;
    if (strcmp(name, "REPOSITORY_FILTERS") == 0)
        return "*,prod-*";
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const MODES[] = {"enforce", "dry-run", "off"};
    static const char *const SEVERITIES[] = {"UNTRIAGED", "INFORMATIONAL", "LOW",
                                             "MEDIUM",    "HIGH",          "CRITICAL"};
    if (size < 2)
        return 0;
    struct env e = {MODES[data[0] % 3], SEVERITIES[(data[0] / 3) % 6],
                    (data[0] & 0x80) ? "DAYS_14" : NULL};
    struct sw_config cfg;
    struct sw_error err = {0};
    FUZZ_CHECK(sw_cfg_load(&cfg, lookup, &e, &err) == 0);

    struct fake f = {.state = data[1]};
    struct sw_function_wiring w = {
        .io = {
            .ctx = &f, .read_state = fake_read, .perform = fake_perform, .publish = fake_publish}};
    struct sw_function *fn = calloc(1, sizeof(*fn));
    FUZZ_CHECK(fn != NULL);
    FUZZ_CHECK(sw_function_init(fn, &cfg, "us-east-1", &w, &err) == 0);

    struct sw_outcome out;
    sw_outcome_init(&out);
    const char *arn = "arn:aws:lambda:us-east-1:123456789012:function:scanwarden";
    /* Twice: the second call meets the duplicate cache and the restored state. */
    for (int round = 0; round < 2; round++) {
        struct sw_function_call call = {(const char *)data + 2, size - 2, arn,
                                        INT64_C(1728518400000), 0};
        sw_function_handle(fn, &call, &out);
        const char *body = sw_buf_cstr(&out.body);
        FUZZ_CHECK(sw_text_utf8_valid(body, out.body.len));
        if (out.failed) {
            FUZZ_CHECK(out.error_type[0] != '\0');
            FUZZ_CHECK(fuzz_ascii_printable(out.error_type, strlen(out.error_type)));
        } else {
            cJSON *j = cJSON_ParseWithLength(body, out.body.len);
            FUZZ_CHECK(cJSON_IsObject(j));
            cJSON_Delete(j);
        }
    }
    /* Storm control: at most MAX_NOTIFICATIONS_PER_INVOCATION (a summary included) each. */
    FUZZ_CHECK(f.published <= 2 * (int)cfg.max_notifications_per_invocation);
    sw_outcome_clear(&out);
    free(fn);
    return 0;
}
