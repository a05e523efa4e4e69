/* Unit tests of the per-invocation pipeline (handler/function.c) over an in-memory
 * account: read_state reads it, perform changes it, publish records what would reach
 * SNS. They pin the pipeline's own decisions (read before deciding, no write and no
 * notification when nothing drifted, one notification per drift check, the account
 * from the function ARN, dedupe, error types); the e2e tests run the same against moto. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "handler/parse/config.h"
#include "handler/function.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_PUBLISHED_MAX 8
/* The samples' account: a drift check acts only on the function's own account. */
#define FN_ARN "arn:aws:lambda:eu-west-1:123456789012:function:scanwarden"

struct fake_account {
    char ecr_status[32]; /* "" = account not listed */
    char scan_type[16];
    char frequency[32]; /* "" = no rule */
    struct sw_drift_filter filter;
    struct sw_drift_rule rule;
    char last_account[16];
    int reads;
    int writes;
    const char *deny_api; /* perform fails this api with AccessDeniedException */
    bool read_fails;
    bool publish_fails;
    int published;
    char subjects[FAKE_PUBLISHED_MAX][SW_SUBJECT_MAX_CHARS + 1];
    char *messages[FAKE_PUBLISHED_MAX];
    char modes[FAKE_PUBLISHED_MAX][32];
    /* The dead-letter queue (park): what was parked, and whether parking fails. */
    bool park_fails;
    int parked;
    char parked_subjects[FAKE_PUBLISHED_MAX][SW_SUBJECT_MAX_CHARS + 1];
    char parked_event_ids[FAKE_PUBLISHED_MAX][128];
    char parked_reasons[FAKE_PUBLISHED_MAX][SW_ERROR_MSG_MAX];
};

static int fake_read(void *ctx, const char *account, bool read_rescan, struct sw_actual_state *out,
                     struct sw_action_result *failure)
{
    struct fake_account *a = ctx;
    a->reads++;
    snprintf(a->last_account, sizeof(a->last_account), "%s", account);
    if (a->read_fails) {
        failure->api = "inspector2:BatchGetAccountStatus";
        failure->ok = false;
        failure->error_code = "ThrottlingException";
        failure->error_message = "Rate exceeded";
        return SW_EAWS;
    }
    memset(out, 0, sizeof(*out));
    out->inspector_ecr_status = a->ecr_status[0] ? a->ecr_status : NULL;
    out->scan_type = a->scan_type;
    if (a->frequency[0]) {
        a->filter = (struct sw_drift_filter){"*", "WILDCARD"};
        a->rule = (struct sw_drift_rule){a->frequency, &a->filter, 1};
        out->rules = &a->rule;
        out->rule_count = 1;
    }
    return SW_OK;
}

static void fake_perform(void *ctx, const struct sw_drift_plan *plan,
                         struct sw_action_result *results)
{
    struct fake_account *a = ctx;
    for (size_t i = 0; i < plan->action_count; i++) {
        const char *api = sw_drift_api_name(plan->actions[i].api);
        results[i] = (struct sw_action_result){.api = api, .ok = true};
        if (a->deny_api != NULL && strcmp(a->deny_api, api) == 0) {
            results[i].ok = false;
            results[i].error_code = "AccessDeniedException";
            results[i].error_message = "not authorized to perform this action";
            continue;
        }
        a->writes++;
        if (plan->actions[i].api == SW_DRIFT_API_INSPECTOR2_ENABLE) {
            snprintf(a->ecr_status, sizeof(a->ecr_status), "ENABLED");
        } else if (plan->actions[i].api == SW_DRIFT_API_ECR_PUT_REGISTRY_SCANNING) {
            snprintf(a->scan_type, sizeof(a->scan_type), "ENHANCED");
            snprintf(a->frequency, sizeof(a->frequency), "%s",
                     plan->target.rules[0].scan_frequency);
        }
    }
}

static int fake_publish(void *ctx, const struct sw_notification *n, struct sw_error *err)
{
    struct fake_account *a = ctx;
    if (a->publish_fails) {
        return sw_error_set(err, SW_EAWS, "sns:Publish: NotFound: Topic does not exist");
    }
    assert_true(a->published < FAKE_PUBLISHED_MAX);
    snprintf(a->subjects[a->published], sizeof(a->subjects[0]), "%s", n->subject);
    a->messages[a->published] = strdup(sw_buf_cstr(&n->message));
    const char *mode = sw_notification_attribute(n, "mode");
    snprintf(a->modes[a->published], sizeof(a->modes[0]), "%s", mode ? mode : "");
    a->published++;
    return SW_OK;
}

static int fake_park(void *ctx, const struct sw_notification *n, const char *event_id,
                     const char *reason, struct sw_error *err)
{
    struct fake_account *a = ctx;
    if (a->park_fails)
        return sw_error_set(err, SW_EAWS, "sqs:SendMessage: AccessDenied: not allowed");
    assert_true(a->parked < FAKE_PUBLISHED_MAX);
    snprintf(a->parked_subjects[a->parked], sizeof(a->parked_subjects[0]), "%s", n->subject);
    snprintf(a->parked_event_ids[a->parked], sizeof(a->parked_event_ids[0]), "%s",
             event_id ? event_id : "(null)");
    snprintf(a->parked_reasons[a->parked], sizeof(a->parked_reasons[0]), "%s", reason);
    a->parked++;
    return SW_OK;
}

struct env_var {
    const char *name;
    const char *value;
};

static const char *lookup(void *ctx, const char *name)
{
    for (const struct env_var *v = ctx; v->name != NULL; v++) {
        if (strcmp(v->name, name) == 0) {
            return v->value;
        }
    }
    return NULL;
}

struct fixture {
    struct fake_account account;
    struct sw_config cfg;
    struct sw_function fn;
    long long deadline_ms; /* the AWS deadline of every invocation (0 = none) */
    struct sw_outcome out;
};

static struct fixture *fixture_new(const char *mode, const char *min_severity)
{
    struct env_var env[] = {
        {"SNS_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:alerts"},
        {"REMEDIATION_MODE", mode},
        {"MIN_SEVERITY", min_severity},
        {NULL, NULL},
    };
    struct fixture *f = calloc(1, sizeof(*f));
    struct sw_error err = {0};
    assert_non_null(f);
    assert_int_equal(sw_cfg_load(&f->cfg, lookup, env, &err), SW_OK);
    struct sw_function_wiring w = {
        .io = {&f->account, fake_read, fake_perform, fake_publish, NULL, NULL}};
    assert_int_equal(sw_function_init(&f->fn, &f->cfg, "eu-west-1", &w, &err), SW_OK);
    sw_outcome_init(&f->out);
    /* Scanning off: never enabled, registry on BASIC scan-on-push. */
    snprintf(f->account.scan_type, sizeof(f->account.scan_type), "BASIC");
    snprintf(f->account.frequency, sizeof(f->account.frequency), "SCAN_ON_PUSH");
    return f;
}

/* Sets up f's function again with all its I/O, as main does at start: the same home I/O,
 * org (organization scope; NULL keeps what it has) and regions[0..count) beyond its own.
 */
static void wire(struct fixture *f, const struct sw_function_org_io *org,
                 const struct sw_function_region *regions, size_t count)
{
    struct sw_error err = {0};
    char region[sizeof(f->fn.region)];
    struct sw_function_wiring w = {.io = f->fn.io,
                                   .org = org ? *org : f->fn.org_io,
                                   .regions = regions,
                                   .region_count = count};
    memcpy(region, f->fn.region, sizeof(region));
    assert_int_equal(sw_function_init(&f->fn, &f->cfg, region, &w, &err), SW_OK);
}

/* REGIONS with one more region, whose account check goes to the fake account other. */
static void with_region(struct fixture *f, const char *region, struct fake_account *other)
{
    struct sw_function_region extra = {.io = f->fn.io};
    extra.io.ctx = other;
    snprintf(extra.region, sizeof(extra.region), "%s", region);
    wire(f, NULL, &extra, 1);
}

static void fixture_free(struct fixture *f)
{
    for (int i = 0; i < f->account.published; i++) {
        free(f->account.messages[i]);
    }
    sw_outcome_clear(&f->out);
    free(f);
}

/* One invocation of payload at now_ms, as the runtime hands it over. */
static void call(struct fixture *f, const char *payload, const char *function_arn, long long now_ms)
{
    struct sw_function_call c = {payload, strlen(payload), function_arn, now_ms, f->deadline_ms};
    sw_function_handle(&f->fn, &c, &f->out);
}

static void invoke(struct fixture *f, const char *payload)
{
    call(f, payload, FN_ARN, 1725468938000LL);
}

static const char *body(const struct fixture *f)
{
    return sw_buf_cstr(&f->out.body);
}

/* A sample event, moved from us-east-1 (the samples' region) to the fixture's eu-west-1: a
 * drift check acts only on events from the function's own region (or REGIONS). */
static char *read_event(const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/events/%s", SW_TEST_DATA_DIR, name);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *buf = calloc(1, 1 << 20);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 20) - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    for (char *p = strstr(buf, "\"us-east-1\""); p != NULL; p = strstr(p, "\"us-east-1\""))
        memcpy(p, "\"eu-west-1\"", strlen("\"eu-west-1\""));
    return buf;
}

static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    assert_non_null(at);
    size_t len = strlen(text) - strlen(from) + strlen(to);
    char *out = malloc(len + 1);
    assert_non_null(out);
    size_t head = (size_t)(at - text);
    memcpy(out, text, head);
    memcpy(out + head, to, strlen(to));
    strcpy(out + head + strlen(to), at + strlen(from));
    return out;
}

static void scheduled_check_restores_once_then_does_nothing(void **state)
{
    struct fixture *f = fixture_new("enforce", "HIGH");
    char *ev = read_event("scheduled-event.eventbridge-docs.json");

    invoke(f, ev);
    assert_false(f->out.failed);
    assert_string_equal(f->account.last_account, "123456789012"); /* the function's own */
    assert_int_equal(f->account.writes, 2);
    assert_int_equal(f->account.published, 1);
    assert_non_null(strstr(body(f), "\"handled\":true"));
    assert_non_null(strstr(body(f), "inspector_ecr"));
    assert_non_null(strstr(body(f), "\"notified\":true"));
    assert_string_equal(f->account.modes[0], "enforce");
    assert_string_equal(f->account.ecr_status, "ENABLED");
    assert_string_equal(f->account.frequency, "CONTINUOUS_SCAN");

    invoke(f, ev); /* the same event again: the state is read, nothing else happens */
    assert_false(f->out.failed);
    assert_int_equal(f->account.reads, 2);
    assert_int_equal(f->account.writes, 2);
    assert_int_equal(f->account.published, 1);
    assert_non_null(strstr(body(f), "\"notified\":false"));
    free(ev);
    fixture_free(f);
}

static void cloudtrail_notification_names_the_actor(void **state)
{
    struct fixture *f = fixture_new("enforce", "HIGH");
    snprintf(f->account.scan_type, sizeof(f->account.scan_type), "ENHANCED");
    snprintf(f->account.frequency, sizeof(f->account.frequency), "CONTINUOUS_SCAN");
    char *ev = read_event("synthesized/cloudtrail-inspector2-Disable-ECR.json");
    invoke(f, ev);
    assert_false(f->out.failed);
    assert_int_equal(f->account.writes, 1);
    assert_int_equal(f->account.published, 1);
    assert_non_null(
        strstr(f->account.messages[0], "arn:aws:sts::123456789012:assumed-role/Admin/alice"));
    assert_non_null(strstr(f->account.messages[0], "203.0.113.12"));
    free(ev);
    fixture_free(f);
}

static void dry_run_describes_and_writes_nothing(void **state)
{
    struct fixture *f = fixture_new("dry-run", "HIGH");
    invoke(f, "{\"trigger\":\"schedule\"}");
    assert_false(f->out.failed);
    assert_int_equal(f->account.writes, 0);
    assert_int_equal(f->account.published, 1);
    assert_string_equal(f->account.modes[0], "dry-run");
    fixture_free(f);
}

static void off_mode_never_reads(void **state)
{
    struct fixture *f = fixture_new("off", "HIGH");
    invoke(f, "{\"trigger\":\"schedule\"}");
    assert_false(f->out.failed);
    assert_int_equal(f->account.reads, 0);
    assert_int_equal(f->account.published, 0);
    fixture_free(f);
}

static void account_comes_from_the_function_arn_when_the_event_has_none(void **state)
{
    struct fixture *f = fixture_new("enforce", "HIGH");
    const char *ev = "{\"trigger\":\"schedule\"}";
    call(f, ev, "arn:aws:lambda:eu-west-1:210987654321:function:x", 1725468938000LL);
    assert_false(f->out.failed);
    assert_string_equal(f->account.last_account, "210987654321");
    fixture_free(f);
}

/* The account of the invoked function ARN is the one checked and written: a Scheduled Event
 * naming another account makes no AWS call and is answered handled:false with the reason. */
static void event_naming_another_account_makes_no_aws_call(void **state)
{
    (void)state;
    struct fixture *f = fixture_new("enforce", "HIGH");
    char *sample = read_event("scheduled-event.eventbridge-docs.json");
    char *other = replace(sample, "\"123456789012\"", "\"999999999999\"");
    invoke(f, other);
    assert_false(f->out.failed);
    assert_non_null(strstr(body(f), "\"handled\":false"));
    assert_non_null(strstr(body(f), "999999999999"));
    assert_non_null(strstr(body(f), "only its own account 123456789012"));
    assert_int_equal(f->account.reads + f->account.writes + f->account.published, 0);

    /* The Security Hub finding's AwsAccountId counts too. */
    char *sechub = read_event("synthesized/securityhub-findings-imported-Inspector.2.json");
    char *theirs =
        replace(sechub, "\"AwsAccountId\": \"123456789012\"", "\"AwsAccountId\": \"999999999999\"");
    invoke(f, theirs);
    assert_non_null(strstr(body(f), "\"handled\":false"));
    assert_int_equal(f->account.reads + f->account.writes + f->account.published, 0);

    invoke(f, sample); /* its own account: checked and restored */
    assert_non_null(strstr(body(f), "\"handled\":true"));
    assert_int_equal(f->account.reads, 1);
    assert_int_equal(f->account.published, 1);
    free(theirs);
    free(sechub);
    free(other);
    free(sample);
    fixture_free(f);
}

/* A CloudTrail event forwarded from another region is not checked against this region: it
 * is answered handled:false naming the region; with that region in REGIONS it is checked. */
static void event_from_another_region_is_checked_only_when_in_regions(void **state)
{
    (void)state;
    struct fixture *f = fixture_new("enforce", "HIGH");
    char *sample = read_event("synthesized/cloudtrail-inspector2-Disable-ECR.json");
    char *west = sample;
    while (strstr(west, "\"eu-west-1\"") != NULL) {
        char *next = replace(west, "\"eu-west-1\"", "\"us-west-2\"");
        if (west != sample)
            free(west);
        west = next;
    }
    invoke(f, west);
    assert_false(f->out.failed);
    assert_non_null(strstr(body(f), "\"handled\":false"));
    assert_non_null(strstr(body(f), "region us-west-2"));
    assert_non_null(strstr(body(f), "REGIONS"));
    assert_int_equal(f->account.reads + f->account.writes + f->account.published, 0);

    struct fake_account other = {0};
    snprintf(other.scan_type, sizeof(other.scan_type), "BASIC");
    with_region(f, "us-west-2", &other);
    invoke(f, west);
    assert_non_null(strstr(body(f), "\"handled\":true"));
    assert_int_equal(other.reads, 1);
    assert_int_equal(other.writes, 2);
    free(west);
    free(sample);
    fixture_free(f);
}

static int caller_account(void *ctx, char out[SW_FUNCTION_ACCOUNT_MAX + 1], struct sw_error *err)
{
    (void)ctx;
    (void)err;
    memcpy(out, "210987654321", SW_FUNCTION_ACCOUNT_MAX + 1);
    return SW_OK;
}

/* Without a function ARN (the operator command line) the account is the credentials' own
 * (io.own_account, sts:GetCallerIdentity), never the event's. */
static void without_a_function_arn_the_account_is_the_callers(void **state)
{
    (void)state;
    struct fixture *f = fixture_new("enforce", "HIGH");
    const char *ev = "{\"trigger\":\"schedule\"}";
    call(f, ev, NULL, 1725468938000LL);
    assert_true(f->out.failed); /* no ARN and no way to ask: nothing is checked */
    assert_int_equal(f->account.reads, 0);
    f->fn.io.own_account = caller_account;
    call(f, ev, NULL, 1725468938000LL);
    assert_false(f->out.failed);
    assert_string_equal(f->account.last_account, "210987654321");
    fixture_free(f);
}

static void failed_action_is_notified_then_RemediationFailed(void **state)
{
    struct fixture *f = fixture_new("enforce", "HIGH");
    f->account.deny_api = "ecr:PutRegistryScanningConfiguration";
    invoke(f, "{\"trigger\":\"schedule\"}");
    assert_true(f->out.failed);
    assert_string_equal(f->out.error_type, "RemediationFailed");
    assert_non_null(strstr(body(f), "AccessDeniedException"));
    assert_int_equal(f->account.published, 1);
    assert_non_null(strstr(f->account.messages[0], "AccessDeniedException"));
    assert_string_equal(f->account.ecr_status, "ENABLED"); /* the other action still ran */
    fixture_free(f);
}

static void failed_read_is_RemediationFailed_without_writing(void **state)
{
    struct fixture *f = fixture_new("enforce", "HIGH");
    f->account.read_fails = true;
    invoke(f, "{\"trigger\":\"schedule\"}");
    assert_true(f->out.failed);
    assert_string_equal(f->out.error_type, "RemediationFailed");
    assert_non_null(strstr(body(f), "ThrottlingException"));
    assert_int_equal(f->account.writes, 0);
    fixture_free(f);
}

static void findings_threshold_and_duplicates(void **state)
{
    struct fixture *f = fixture_new("enforce", "HIGH");
    char *sample = read_event("inspector2-finding-ecr.inspector-docs-2024.json");
    char *critical = replace(sample, "\"severity\": \"MEDIUM\"", "\"severity\": \"CRITICAL\"");
    char *medium = replace(sample, "{{FINDING_ID}}", "other");

    invoke(f, medium); /* the sample is MEDIUM: below HIGH */
    assert_false(f->out.failed);
    assert_non_null(strstr(body(f), "\"notified\":false"));
    invoke(f, critical);
    assert_non_null(strstr(body(f), "\"notified\":true"));
    invoke(f, critical); /* same findingArn and updatedAt: once */
    assert_non_null(strstr(body(f), "\"notified\":false"));
    assert_int_equal(f->account.published, 1);
    assert_non_null(strstr(f->account.subjects[0], "CRITICAL"));
    assert_non_null(strstr(f->account.subjects[0], "CVE-2024-6119"));
    assert_int_equal(f->account.reads, 0); /* findings never read the state */
    free(sample);
    free(critical);
    free(medium);
    fixture_free(f);
}

static void publish_failure_is_NotificationFailed_and_not_remembered(void **state)
{
    struct fixture *f = fixture_new("enforce", "HIGH");
    char *sample = read_event("inspector2-finding-ecr.inspector-docs-2024.json");
    char *critical = replace(sample, "\"severity\": \"MEDIUM\"", "\"severity\": \"CRITICAL\"");
    f->account.publish_fails = true;
    invoke(f, critical);
    assert_true(f->out.failed);
    assert_string_equal(f->out.error_type, "NotificationFailed");
    f->account.publish_fails = false;
    invoke(f, critical); /* the retry is published */
    assert_false(f->out.failed);
    assert_int_equal(f->account.published, 1);
    free(sample);
    free(critical);
    fixture_free(f);
}

/* docs/operations.md, "The dead-letter queue": with a queue, a notification SNS refuses is
 * parked with the reason and the event id; the answer says so; the same event again parks
 * nothing more (the drift was restored, the finding is a duplicate). */
static struct fixture *parking_fixture(void)
{
    struct fixture *f = fixture_new("enforce", "HIGH");
    f->fn.io.park = fake_park;
    f->account.publish_fails = true;
    return f;
}

static void refused_drift_notification_is_parked_once(void **state)
{
    struct fixture *f = parking_fixture();
    char *ev = read_event("scheduled-event.eventbridge-docs.json");
    invoke(f, ev);
    assert_false(f->out.failed);
    assert_non_null(strstr(body(f), "\"notified\":false"));
    assert_non_null(strstr(body(f), "\"parked\":true"));
    assert_non_null(strstr(body(f), "\"parked_count\":1"));
    assert_int_equal(f->account.parked, 1);
    assert_int_equal(f->account.published, 0);
    assert_non_null(strstr(f->account.parked_reasons[0], "NotFound"));
    assert_string_equal(f->account.parked_event_ids[0], "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa");
    assert_string_equal(f->account.ecr_status, "ENABLED");
    invoke(f, ev); /* delivered again: restored, nothing found, nothing parked */
    assert_false(f->out.failed);
    assert_null(strstr(body(f), "parked"));
    assert_int_equal(f->account.parked, 1);
    free(ev);
    fixture_free(f);
}

static void refused_finding_is_parked_once_and_not_an_error(void **state)
{
    struct fixture *f = parking_fixture();
    char *sample = read_event("inspector2-finding-ecr.inspector-docs-2024.json");
    char *critical = replace(sample, "\"severity\": \"MEDIUM\"", "\"severity\": \"CRITICAL\"");
    invoke(f, critical);
    assert_false(f->out.failed);
    assert_non_null(strstr(body(f), "\"notified\":false"));
    assert_non_null(strstr(body(f), "\"parked\":true"));
    assert_int_equal(f->account.parked, 1);
    assert_non_null(strstr(f->account.parked_subjects[0], "CRITICAL"));
    invoke(f, critical); /* the same event again: a duplicate, not parked twice */
    assert_false(f->out.failed);
    assert_null(strstr(body(f), "parked"));
    assert_int_equal(f->account.parked, 1);
    free(sample);
    free(critical);
    fixture_free(f);
}

static void notification_neither_published_nor_parked_is_an_error(void **state)
{
    struct fixture *f = parking_fixture();
    char *ev = read_event("scheduled-event.eventbridge-docs.json");
    f->account.park_fails = true;
    invoke(f, ev);
    assert_true(f->out.failed);
    assert_string_equal(f->out.error_type, "NotificationFailed");
    assert_non_null(strstr(body(f), "neither published nor parked"));
    assert_non_null(strstr(body(f), "NotFound"));
    assert_non_null(strstr(body(f), "sqs:SendMessage"));
    assert_int_equal(f->account.parked, 0);
    free(ev);
    fixture_free(f);
}

static void published_notification_is_never_parked(void **state)
{
    struct fixture *f = parking_fixture();
    char *ev = read_event("scheduled-event.eventbridge-docs.json");
    f->account.publish_fails = false;
    invoke(f, ev);
    assert_false(f->out.failed);
    assert_non_null(strstr(body(f), "\"notified\":true"));
    assert_null(strstr(body(f), "parked"));
    assert_int_equal(f->account.parked, 0);
    assert_int_equal(f->account.published, 1);
    free(ev);
    fixture_free(f);
}

/* Summaries are notifications too: the per-minute summary SNS refuses is parked; the
 * invocation's own published notification keeps "notified":true. */
static void refused_summary_is_parked(void **state)
{
    (void)state;
    const long long t0 = 1725468938000LL;
    struct fixture *f = fixture_new("enforce", "HIGH");
    f->fn.io.park = fake_park;
    char *sample = read_event("inspector2-finding-ecr.inspector-docs-2024.json");
    char *critical = replace(sample, "\"severity\": \"MEDIUM\"", "\"severity\": \"CRITICAL\"");
    f->cfg.max_notifications_per_minute = 1;
    sw_rate_window_init(&f->fn.rate, f->cfg.max_notifications_per_minute);
    for (int i = 0; i < 3; i++) {
        char id[32];
        snprintf(id, sizeof(id), "sum-%d", i);
        char *ev = replace(critical, "{{FINDING_ID}}", id);
        /* two in the first minute (the second suppressed); the third after it */
        f->account.publish_fails = i == 2;
        call(f, ev, FN_ARN, i < 2 ? t0 + i * 1000 : t0 + 61000);
        free(ev);
        assert_false(f->out.failed);
    }
    /* the third invocation: the summary first, then its own finding, both refused */
    assert_int_equal(f->account.parked, 2);
    assert_non_null(strstr(f->account.parked_subjects[0], "suppressed (per-minute cap)"));
    assert_non_null(strstr(f->account.parked_subjects[1], "CVE-2024-6119"));
    assert_non_null(strstr(body(f), "\"parked_count\":2"));
    assert_non_null(strstr(body(f), "\"notified\":false"));
    free(sample);
    free(critical);
    fixture_free(f);
}

static void bad_payloads_are_InvalidEvent_and_unknown_events_unhandled(void **state)
{
    struct fixture *f = fixture_new("enforce", "HIGH");
    const char *bad[] = {"not json", "[]", "\"text\"", "42", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        invoke(f, bad[i]);
        assert_true(f->out.failed);
        assert_string_equal(f->out.error_type, "InvalidEvent");
    }
    char *autoenable = read_event("inspector2-autoenable.inspector-docs.json");
    invoke(f, autoenable);
    assert_false(f->out.failed);
    assert_non_null(strstr(body(f), "\"handled\":false"));
    invoke(f, "{\"hello\":\"world\"}");
    assert_false(f->out.failed);
    assert_non_null(strstr(body(f), "\"handled\":false"));
    assert_int_equal(f->account.reads + f->account.writes + f->account.published, 0);
    free(autoenable);
    fixture_free(f);
}

/* REGIONS (docs/contract.md §1.5) with storm control (§4.7): a check over 4 drifted regions is one
 * notification, whatever MAX_NOTIFICATIONS_PER_INVOCATION (here 2) says; it goes out through
 * the home region's publisher and names every region. */
static void regions_check_is_one_notification_under_the_cap(void **state)
{
    (void)state;
    static const char *const regions[] = {"us-east-1", "us-west-2", "ap-south-1"};
    struct fixture *f = fixture_new("enforce", "HIGH");
    struct fake_account extra[3];
    struct sw_function_region wired[3];
    memset(extra, 0, sizeof(extra));
    memset(wired, 0, sizeof(wired));
    f->cfg.max_notifications_per_invocation = 2;
    for (size_t i = 0; i < 3; i++) {
        snprintf(extra[i].scan_type, sizeof(extra[i].scan_type), "BASIC");
        snprintf(extra[i].frequency, sizeof(extra[i].frequency), "SCAN_ON_PUSH");
        snprintf(wired[i].region, sizeof(wired[i].region), "%s", regions[i]);
        wired[i].io = (struct sw_function_io){&extra[i], fake_read, fake_perform, fake_publish,
                                              NULL,      NULL,      NULL,         NULL};
    }
    wire(f, NULL, wired, 3);
    char *ev = read_event("scheduled-event.eventbridge-docs.json");
    invoke(f, ev);
    assert_false(f->out.failed);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(extra[i].writes, 2);
        assert_int_equal(extra[i].published, 0);
    }
    assert_int_equal(f->account.published, 1);
    assert_string_equal(f->account.subjects[0],
                        "scanwarden: ECR scanning restored in 4 regions of 123456789012");
    assert_non_null(strstr(f->account.messages[0], "== eu-west-1 =="));
    for (size_t i = 0; i < 3; i++) {
        char heading[64];
        snprintf(heading, sizeof(heading), "== %s ==", regions[i]);
        assert_non_null(strstr(f->account.messages[0], heading));
    }
    free(ev);
    fixture_free(f);
}

/* The per-minute cap (docs/contract.md §4.7): with MAX_NOTIFICATIONS_PER_MINUTE=2, five findings in
 * one minute publish two; the others succeed as "rate_limited" without a notification. A drift
 * check in that minute is still notified. The first invocation after the minute publishes
 * one summary of the suppressed ones before its own notification. */
static void per_minute_cap_suppresses_then_summarises(void **state)
{
    (void)state;
    const long long t0 = 1725468938000LL;
    struct fixture *f = fixture_new("enforce", "HIGH");
    char *sample = read_event("inspector2-finding-ecr.inspector-docs-2024.json");
    char *critical = replace(sample, "\"severity\": \"MEDIUM\"", "\"severity\": \"CRITICAL\"");
    char *schedule = read_event("scheduled-event.eventbridge-docs.json");
    f->cfg.max_notifications_per_minute = 2;
    sw_rate_window_init(&f->fn.rate, f->cfg.max_notifications_per_minute);
    for (int i = 0; i < 6; i++) {
        char id[32];
        snprintf(id, sizeof(id), "rate-%d", i);
        char *ev = replace(critical, "{{FINDING_ID}}", id);
        /* five in the first minute; the sixth 61 s after the first */
        long long at = i < 5 ? t0 + i * 1000 : t0 + 61000;
        call(f, ev, FN_ARN, at);
        free(ev);
        assert_false(f->out.failed);
        if (i == 2 || i == 3 || i == 4) {
            assert_non_null(strstr(body(f), "\"notified\":false"));
            assert_non_null(strstr(body(f), "\"rate_limited\":true"));
        } else {
            assert_non_null(strstr(body(f), "\"notified\":true"));
            assert_null(strstr(body(f), "rate_limited"));
        }
        if (i == 4) { /* over the cap, a drift check is still notified */
            call(f, schedule, FN_ARN, t0 + 5000);
            assert_non_null(strstr(body(f), "\"notified\":true"));
            assert_int_equal(f->account.published, 3);
        }
    }
    /* finding, finding, drift, then the summary first, then the sixth finding */
    assert_int_equal(f->account.published, 5);
    assert_non_null(strstr(f->account.subjects[3], "scanwarden: 3 notifications"));
    assert_non_null(strstr(f->account.subjects[3], "suppressed (per-minute cap)"));
    assert_non_null(strstr(f->account.messages[3], "MAX_NOTIFICATIONS_PER_MINUTE (2)"));
    assert_non_null(strstr(f->account.messages[3], "CVE-2024-6119"));
    assert_non_null(strstr(f->account.subjects[4], "CVE-2024-6119"));
    assert_null(strstr(f->account.subjects[4], "suppressed"));
    free(schedule);
    free(sample);
    free(critical);
    fixture_free(f);
}

static void function_arn_account(void **state)
{
    char acct[SW_FUNCTION_ACCOUNT_MAX + 1];
    assert_true(sw_function_arn_account(FN_ARN, acct));
    assert_string_equal(acct, "123456789012");
    assert_true(
        sw_function_arn_account("arn:aws-cn:lambda:cn-north-1:123456789012:function:f:prod", acct));
    assert_string_equal(acct, "123456789012");
    const char *bad[] = {NULL,
                         "",
                         "arn:aws:lambda:eu-west-1::function:f",
                         "arn:aws:lambda:eu-west-1:12345678901:function:f",
                         "arn:aws:lambda:eu-west-1:1234567890123:function:f",
                         "arn:aws:lambda:eu-west-1:12345678901x:function:f",
                         "nonsense"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(sw_function_arn_account(bad[i], acct));
    }
}

/* ---- organization mode and REGIONS (docs/contract.md §1.4, §1.5) ---- */

struct fake_org {
    int calls;
    int lookups;
    bool lookup_fails;
    char admin[16];
    bool execute;
    long long deadline_ms;
    bool fail_one; /* one member's Enable fails */
    bool none;     /* no member drifted */
};

static int fake_org_check(void *ctx, const char *admin_account, bool execute, long long deadline_ms,
                          struct sw_org_report *out)
{
    struct fake_org *o = ctx;
    o->calls++;
    snprintf(o->admin, sizeof(o->admin), "%s", admin_account);
    o->execute = execute;
    o->deadline_ms = deadline_ms;
    sw_org_report_clear(out);
    out->execute = execute;
    snprintf(out->admin_account, sizeof(out->admin_account), "%s", admin_account);
    out->region_count = 1;
    struct sw_org_region_report *rr = &out->regions[0];
    snprintf(rr->region, sizeof(rr->region), "eu-west-1");
    rr->member_count = rr->checked = 3;
    for (int i = 0; i < (o->none ? 0 : 2); i++) {
        struct sw_org_account *a = sw_org_report_add(rr, i ? "222222222222" : "333333333333", NULL);
        assert_non_null(a);
        a->attempted = execute;
        a->restored = execute && !(o->fail_one && i == 1);
        if (execute && !a->restored)
            snprintf(a->error_code, sizeof(a->error_code), "ACCESS_DENIED");
    }
    return SW_OK;
}

/* The organization's members: 222222222222 and 333333333333. */
static int fake_org_member(void *ctx, const char *admin_account, const char *account,
                           long long deadline_ms, bool *is_member, struct sw_error *err)
{
    struct fake_org *o = ctx;
    (void)deadline_ms;
    o->lookups++;
    assert_string_equal(admin_account, "123456789012");
    if (o->lookup_fails)
        return sw_error_set(err, SW_EAWS, "inspector2:ListMembers failed: AccessDeniedException");
    *is_member = strcmp(account, "222222222222") == 0 || strcmp(account, "333333333333") == 0;
    return SW_OK;
}

static struct fixture *org_fixture(const char *scope, struct fake_org *org)
{
    struct env_var env[] = {
        {"SNS_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:alerts"},
        {"SCOPE", scope},
        {NULL, NULL},
    };
    struct fixture *f = fixture_new("enforce", "HIGH");
    struct sw_error err = {0};
    assert_int_equal(sw_cfg_load(&f->cfg, lookup, env, &err), SW_OK);
    if (f->cfg.scope == SW_SCOPE_ORGANIZATION)
        wire(f,
             &(struct sw_function_org_io){
                 .ctx = org, .check = fake_org_check, .member = fake_org_member},
             NULL, 0);
    f->deadline_ms = 1725468998000LL;
    /* The administrator's own account is fine: only the members drifted. */
    snprintf(f->account.ecr_status, sizeof(f->account.ecr_status), "ENABLED");
    snprintf(f->account.scan_type, sizeof(f->account.scan_type), "ENHANCED");
    snprintf(f->account.frequency, sizeof(f->account.frequency), "CONTINUOUS_SCAN");
    return f;
}

static void organization_mode_checks_members_after_the_account(void **state)
{
    (void)state;
    struct fake_org org = {0};
    struct fixture *f = org_fixture("organization", &org);
    char *ev = read_event("scheduled-event.eventbridge-docs.json");
    invoke(f, ev);
    assert_false(f->out.failed);
    assert_int_equal(f->account.reads, 1); /* the administrator's own check first */
    assert_int_equal(org.calls, 1);
    assert_string_equal(org.admin, "123456789012");
    assert_true(org.execute);
    assert_int_equal(org.deadline_ms, 1725468998000LL);
    assert_int_equal(f->account.published, 1); /* one notification for the members */
    assert_non_null(strstr(f->account.subjects[0], "ECR scanning restored in 2 member(s)"));
    assert_non_null(strstr(body(f), "\"organization\":{\"regions\":[{\"region\":\"eu-west-1\""));
    assert_non_null(strstr(body(f), "\"notified\":true"));
    free(ev);
    fixture_free(f);
}

static void organization_member_not_restored_is_RemediationFailed(void **state)
{
    (void)state;
    struct fake_org org = {.fail_one = true};
    struct fixture *f = org_fixture("organization", &org);
    char *ev = read_event("scheduled-event.eventbridge-docs.json");
    invoke(f, ev);
    assert_true(f->out.failed);
    assert_string_equal(f->out.error_type, "RemediationFailed");
    assert_non_null(strstr(body(f), "222222222222: ACCESS_DENIED"));
    assert_int_equal(f->account.published, 1); /* notified before failing */
    free(ev);
    fixture_free(f);
}

static void organization_mode_sends_one_notification_for_account_and_members(void **state)
{
    (void)state;
    char *ev = read_event("scheduled-event.eventbridge-docs.json");
    struct fake_org org = {0};
    struct fixture *f = org_fixture("organization", &org);
    snprintf(f->account.ecr_status, sizeof(f->account.ecr_status), "DISABLED");
    invoke(f, ev);
    assert_false(f->out.failed);
    assert_int_equal(f->account.published, 1); /* one, not two */
    assert_non_null(strstr(f->account.subjects[0], "member(s) (+ admin account)"));
    assert_non_null(strstr(f->account.messages[0], "333333333333"));
    assert_non_null(strstr(f->account.messages[0], "The administrator's own account: "));
    assert_non_null(strstr(f->account.messages[0], "inspector2:Enable"));
    fixture_free(f);

    /* Only the administrator drifted: its own notification, as in account mode. */
    struct fake_org quiet = {.none = true};
    f = org_fixture("organization", &quiet);
    snprintf(f->account.ecr_status, sizeof(f->account.ecr_status), "DISABLED");
    invoke(f, ev);
    assert_int_equal(f->account.published, 1);
    assert_null(strstr(f->account.subjects[0], "organization"));
    assert_non_null(strstr(body(f), "\"notified\":true"));
    free(ev);
    fixture_free(f);
}

/* Organization scope: an event may name the administrator (the function's own account) or a
 * current member; the check always runs as the administrator. Any other account makes no
 * AWS call and is answered handled:false; a member list that cannot be read is
 * RemediationFailed (retried), never a guess. */
static void organization_acts_only_for_the_administrator_and_members(void **state)
{
    (void)state;
    struct fake_org org = {0};
    struct fixture *f = org_fixture("organization", &org);
    char *sample = read_event("scheduled-event.eventbridge-docs.json");
    char *member = replace(sample, "\"123456789012\"", "\"222222222222\"");
    char *stranger = replace(sample, "\"123456789012\"", "\"999999999999\"");

    invoke(f, sample); /* the administrator: no lookup */
    assert_non_null(strstr(body(f), "\"handled\":true"));
    assert_int_equal(org.lookups, 0);
    assert_int_equal(org.calls, 1);

    invoke(f, member);
    assert_non_null(strstr(body(f), "\"handled\":true"));
    assert_int_equal(org.lookups, 1);
    assert_int_equal(org.calls, 2);
    assert_string_equal(org.admin, "123456789012"); /* as the administrator, not the member */
    assert_string_equal(f->account.last_account, "123456789012");

    int reads = f->account.reads;
    invoke(f, stranger);
    assert_false(f->out.failed);
    assert_non_null(strstr(body(f), "\"handled\":false"));
    assert_non_null(strstr(body(f), "999999999999"));
    assert_non_null(strstr(body(f), "nor a current member"));
    assert_int_equal(org.calls, 2);
    assert_int_equal(f->account.reads, reads);

    org.lookup_fails = true;
    invoke(f, member);
    assert_true(f->out.failed);
    assert_string_equal(f->out.error_type, "RemediationFailed");
    assert_non_null(strstr(body(f), "ListMembers"));
    assert_int_equal(org.calls, 2);
    assert_int_equal(f->account.reads, reads);
    free(stranger);
    free(member);
    free(sample);
    fixture_free(f);
}

static void member_events_only_in_organization_mode(void **state)
{
    (void)state;
    char *ev = read_event("inspector2-autoenable.inspector-docs.json");
    struct fake_org org = {0};
    struct fixture *f = org_fixture("account", &org);
    invoke(f, ev);
    assert_non_null(strstr(body(f), "\"handled\":false"));
    assert_int_equal(f->account.reads, 0);
    fixture_free(f);

    f = org_fixture("organization", &org);
    invoke(f, ev);
    assert_non_null(strstr(body(f), "\"handled\":true"));
    assert_int_equal(org.calls, 1);
    free(ev);
    fixture_free(f);
}

static void regions_run_the_account_check_in_each(void **state)
{
    (void)state;
    struct fixture *f = fixture_new("enforce", "HIGH");
    struct fake_account other = {0};
    snprintf(other.scan_type, sizeof(other.scan_type), "BASIC");
    with_region(f, "us-east-1", &other);
    other.deny_api = "ecr:PutRegistryScanningConfiguration";
    char *ev = read_event("scheduled-event.eventbridge-docs.json");
    invoke(f, ev);
    assert_int_equal(f->account.reads, 1);
    assert_int_equal(other.reads, 1);
    /* Both drifted: one notification for both, through the home region's publisher. */
    assert_int_equal(f->account.published, 1);
    assert_int_equal(other.published, 0);
    assert_string_equal(f->account.subjects[0],
                        "scanwarden: FAILED to restore ECR scanning in 1 of 2 regions of "
                        "123456789012");
    assert_non_null(strstr(f->account.messages[0], "== eu-west-1 ==\nscanwarden: ECR scanning "
                                                   "restored in 123456789012/eu-west-1"));
    assert_non_null(strstr(f->account.messages[0], "== us-east-1 ==\nscanwarden: FAILED"));
    assert_non_null(strstr(f->account.messages[0], "AccessDeniedException"));
    /* The home region was restored, the other was not: the answer names it. */
    assert_true(f->out.failed);
    assert_string_equal(f->out.error_type, "RemediationFailed");
    assert_non_null(strstr(body(f), "us-east-1"));
    assert_string_equal(f->fn.region, "eu-west-1"); /* restored after the extra regions */
    free(ev);
    fixture_free(f);
}

/* REGIONS, both regions drifted and restored: exactly one notification naming both. */
static void regions_two_drifted_are_one_notification(void **state)
{
    (void)state;
    struct fixture *f = fixture_new("enforce", "HIGH");
    struct fake_account other = {0};
    snprintf(other.scan_type, sizeof(other.scan_type), "BASIC");
    with_region(f, "us-east-1", &other);
    char *ev = read_event("scheduled-event.eventbridge-docs.json");
    invoke(f, ev);
    assert_false(f->out.failed);
    assert_int_equal(f->account.writes, 2);
    assert_int_equal(other.writes, 2);
    assert_int_equal(f->account.published + other.published, 1);
    assert_string_equal(f->account.subjects[0],
                        "scanwarden: ECR scanning restored in 2 regions of 123456789012");
    assert_string_equal(f->account.modes[0], "enforce");
    assert_non_null(strstr(f->account.messages[0], "== eu-west-1 =="));
    assert_non_null(strstr(f->account.messages[0], "== us-east-1 =="));
    assert_non_null(strstr(body(f), "\"notified\":true"));

    invoke(f, ev); /* restored everywhere: nothing drifted, nothing published */
    assert_false(f->out.failed);
    assert_int_equal(f->account.published + other.published, 1);
    free(ev);
    fixture_free(f);
}

/* REGIONS, only the other region drifted: its notification goes out exactly as a check in
 * that region alone would send it. */
static void regions_one_drifted_is_its_own_notification(void **state)
{
    (void)state;
    struct fixture *f = fixture_new("enforce", "HIGH");
    struct fake_account other = {0};
    snprintf(f->account.ecr_status, sizeof(f->account.ecr_status), "ENABLED");
    snprintf(f->account.scan_type, sizeof(f->account.scan_type), "ENHANCED");
    snprintf(f->account.frequency, sizeof(f->account.frequency), "CONTINUOUS_SCAN");
    snprintf(other.scan_type, sizeof(other.scan_type), "BASIC");
    with_region(f, "us-east-1", &other);
    char *ev = read_event("scheduled-event.eventbridge-docs.json");
    invoke(f, ev);
    assert_false(f->out.failed);
    assert_int_equal(f->account.writes, 0);
    assert_int_equal(other.writes, 2);
    assert_int_equal(f->account.published + other.published, 1);

    /* The same drift checked by a function whose only region is us-east-1. */
    struct fixture *alone = fixture_new("enforce", "HIGH");
    struct sw_error err = {0};
    struct sw_function_wiring w = {
        .io = {&alone->account, fake_read, fake_perform, fake_publish, NULL, NULL}};
    assert_int_equal(sw_function_init(&alone->fn, &alone->cfg, "us-east-1", &w, &err), SW_OK);
    snprintf(alone->account.frequency, sizeof(alone->account.frequency), "%s", "");
    char *east = replace(ev, "\"eu-west-1\"", "\"us-east-1\""); /* from its own region */
    invoke(alone, east);
    free(east);
    assert_int_equal(alone->account.published, 1);
    assert_string_equal(f->account.subjects[0], alone->account.subjects[0]);
    assert_string_equal(f->account.subjects[0],
                        "scanwarden: ECR scanning restored in 123456789012/us-east-1");
    assert_string_equal(f->account.messages[0], alone->account.messages[0]);
    assert_null(strstr(f->account.messages[0], "== "));
    free(ev);
    fixture_free(alone);
    fixture_free(f);
}

/* Organization scope with REGIONS: the members of every region and the administrator's own
 * drift in every region go out as exactly one notification. */
static void organization_regions_one_notification_over_admin_and_members(void **state)
{
    (void)state;
    char *ev = read_event("scheduled-event.eventbridge-docs.json");
    struct fake_org org = {0};
    struct fixture *f = org_fixture("organization", &org);
    struct fake_account other = {0};
    snprintf(f->account.ecr_status, sizeof(f->account.ecr_status), "DISABLED");
    snprintf(other.scan_type, sizeof(other.scan_type), "BASIC");
    with_region(f, "us-east-1", &other);
    invoke(f, ev);
    assert_false(f->out.failed);
    assert_int_equal(org.calls, 1);
    assert_int_equal(other.writes, 2);
    assert_int_equal(f->account.published + other.published, 1);
    assert_non_null(strstr(f->account.subjects[0], "member(s) (+ admin account)"));
    const char *m = f->account.messages[0];
    assert_non_null(strstr(m, "333333333333"));
    assert_non_null(strstr(m, "The administrator's own account: scanwarden: ECR scanning "
                              "restored in 2 regions of 123456789012"));
    assert_non_null(strstr(m, "== eu-west-1 ==\nscanwarden: ECR scanning restored in "
                              "123456789012/eu-west-1"));
    assert_non_null(strstr(m, "== us-east-1 ==\nscanwarden: ECR scanning restored in "
                              "123456789012/us-east-1"));
    assert_non_null(strstr(body(f), "\"notified\":true"));

    invoke(f, ev); /* the administrator restored everywhere: only the members' notification */
    assert_int_equal(f->account.published + other.published, 2);
    assert_null(strstr(f->account.subjects[1], "(+ admin account)"));
    assert_null(strstr(f->account.messages[1], "The administrator's own account"));
    fixture_free(f);

    /* Only the administrator's extra region drifted, no member: one notification, that one. */
    struct fake_org quiet = {.none = true};
    struct fake_account east = {0};
    f = org_fixture("organization", &quiet);
    snprintf(east.scan_type, sizeof(east.scan_type), "BASIC");
    with_region(f, "us-east-1", &east);
    invoke(f, ev);
    assert_false(f->out.failed);
    assert_int_equal(quiet.calls, 1);
    assert_int_equal(f->account.published + east.published, 1);
    assert_string_equal(f->account.subjects[0],
                        "scanwarden: ECR scanning restored in 123456789012/us-east-1");

    invoke(f, ev); /* nothing drifted anywhere: no notification */
    assert_int_equal(f->account.published + east.published, 1);
    free(ev);
    fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scheduled_check_restores_once_then_does_nothing),
        cmocka_unit_test(cloudtrail_notification_names_the_actor),
        cmocka_unit_test(dry_run_describes_and_writes_nothing),
        cmocka_unit_test(off_mode_never_reads),
        cmocka_unit_test(account_comes_from_the_function_arn_when_the_event_has_none),
        cmocka_unit_test(event_naming_another_account_makes_no_aws_call),
        cmocka_unit_test(event_from_another_region_is_checked_only_when_in_regions),
        cmocka_unit_test(without_a_function_arn_the_account_is_the_callers),
        cmocka_unit_test(failed_action_is_notified_then_RemediationFailed),
        cmocka_unit_test(failed_read_is_RemediationFailed_without_writing),
        cmocka_unit_test(findings_threshold_and_duplicates),
        cmocka_unit_test(publish_failure_is_NotificationFailed_and_not_remembered),
        cmocka_unit_test(refused_drift_notification_is_parked_once),
        cmocka_unit_test(refused_finding_is_parked_once_and_not_an_error),
        cmocka_unit_test(notification_neither_published_nor_parked_is_an_error),
        cmocka_unit_test(published_notification_is_never_parked),
        cmocka_unit_test(refused_summary_is_parked),
        cmocka_unit_test(bad_payloads_are_InvalidEvent_and_unknown_events_unhandled),
        cmocka_unit_test(regions_check_is_one_notification_under_the_cap),
        cmocka_unit_test(per_minute_cap_suppresses_then_summarises),
        cmocka_unit_test(function_arn_account),
        cmocka_unit_test(organization_mode_checks_members_after_the_account),
        cmocka_unit_test(organization_member_not_restored_is_RemediationFailed),
        cmocka_unit_test(organization_mode_sends_one_notification_for_account_and_members),
        cmocka_unit_test(organization_acts_only_for_the_administrator_and_members),
        cmocka_unit_test(member_events_only_in_organization_mode),
        cmocka_unit_test(regions_run_the_account_check_in_each),
        cmocka_unit_test(regions_two_drifted_are_one_notification),
        cmocka_unit_test(regions_one_drifted_is_its_own_notification),
        cmocka_unit_test(organization_regions_one_notification_over_admin_and_members),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
