/* Unit tests of the parked notification (handler/notify/parked.c): the dead-letter queue
 * message is the document SQS subscribers receive, with the reason, the event id, a stable
 * deduplication key and what republishing needs; reading it back gives the notification
 * that was to be published; anything else is refused (docs/operations.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/notify/notify_wire.h"
#include "handler/notify/parked.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

/* A small drift notification as a builder leaves it, and its wire form. */
static void wire_of(struct sw_notification *n, struct sw_notification *wire)
{
    struct sw_error err = {0};
    sw_notification_init(n);
    sw_notification_init(wire);
    sw_notification_set_subject(n, "scanwarden: ECR scanning restored in 123456789012");
    assert_int_equal(sw_buf_append_str(&n->message, "Inspector ECR scanning was disabled."), 0);
    assert_int_equal(sw_notification_add_attribute(n, "event_kind", "remediation"), 0);
    assert_int_equal(sw_notification_add_attribute(n, "account_id", "123456789012"), 0);
    assert_int_equal(sw_notification_add_attribute(n, "region", "eu-west-1"), 0);
    cJSON *doc = cJSON_CreateObject();
    assert_non_null(cJSON_AddObjectToObject(doc, "drift"));
    sw_notification_set_document(n, doc);
    n->generated_ms = INT64_C(1728518400000);
    assert_int_equal(sw_wire_build(n, SW_CHAT_FORMAT_NONE, wire, &err), 0);
}

/* The value of attribute name in p, or NULL. */
static const char *value_of(const struct sw_parked *p, const char *name)
{
    for (size_t i = 0; i < p->count; i++) {
        if (strcmp(p->names[i], name) == 0)
            return sw_buf_cstr(&p->values[i]);
    }
    return NULL;
}

static const char *parked_attr(const void *msg, const char *name)
{
    return value_of(msg, name);
}

static void parked_message_is_the_subscribers_document_with_reason_and_event(void **state)
{
    (void)state;
    struct sw_notification n, wire;
    struct sw_parked p;
    struct sw_error err = {0};
    wire_of(&n, &wire);
    sw_parked_init(&p);
    assert_int_equal(
        sw_parked_build(&wire, "ev-1", "sns:Publish: NotFound: Topic does not exist", &p, &err), 0);
    cJSON *structure = cJSON_Parse(sw_buf_cstr(&wire.message));
    const cJSON *sqs = cJSON_GetObjectItemCaseSensitive(structure, "sqs");
    assert_true(cJSON_IsString(sqs));
    assert_string_equal(sw_buf_cstr(&p.body), sqs->valuestring);
    cJSON *doc = cJSON_Parse(sw_buf_cstr(&p.body));
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(doc, "kind")->valuestring, "remediation");
    assert_non_null(cJSON_GetObjectItemCaseSensitive(doc, "schema_version"));
    assert_string_equal(value_of(&p, SW_PARKED_ATTR_MARKER), SW_PARKED_VERSION);
    assert_string_equal(value_of(&p, SW_PARKED_ATTR_REASON),
                        "sns:Publish: NotFound: Topic does not exist");
    assert_string_equal(value_of(&p, SW_PARKED_ATTR_EVENT_ID), "ev-1");
    assert_string_equal(value_of(&p, SW_PARKED_ATTR_SUBJECT), wire.subject);
    assert_string_equal(value_of(&p, SW_PARKED_ATTR_SNS_MESSAGE), sw_buf_cstr(&wire.message));
    assert_string_equal(value_of(&p, SW_PARKED_ATTR_SNS_ATTRIBUTES),
                        "{\"event_kind\":\"remediation\",\"account_id\":\"123456789012\","
                        "\"region\":\"eu-west-1\"}");
    assert_non_null(strstr(value_of(&p, SW_PARKED_ATTR_DEDUP_KEY), "ev-1/remediation/"));
    assert_true(p.count <= 10); /* SQS accepts at most 10 message attributes */
    cJSON_Delete(doc);
    cJSON_Delete(structure);
    sw_parked_clear(&p);
    sw_notification_clear(&n);
    sw_notification_clear(&wire);
}

static void dedup_key_is_stable_per_event_and_kind(void **state)
{
    (void)state;
    char a[SW_PARKED_KEY_MAX], b[SW_PARKED_KEY_MAX], c[SW_PARKED_KEY_MAX], d[SW_PARKED_KEY_MAX];
    sw_parked_dedup_key("ev-1", "finding", "CRITICAL CVE-1 in repo", a);
    sw_parked_dedup_key("ev-1", "finding", "CRITICAL CVE-1 in repo", b);
    sw_parked_dedup_key("ev-2", "finding", "CRITICAL CVE-1 in repo", c);
    sw_parked_dedup_key("ev-1", "summary", "CRITICAL CVE-1 in repo", d);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_string_not_equal(a, d);
    sw_parked_dedup_key(NULL, NULL, NULL, a);
    assert_non_null(strstr(a, "none/unknown/"));
}

static void long_reason_is_cut_and_empty_reason_named(void **state)
{
    (void)state;
    struct sw_notification n, wire;
    struct sw_parked p;
    struct sw_error err = {0};
    char reason[4096];
    memset(reason, 'x', sizeof(reason) - 1);
    reason[sizeof(reason) - 1] = '\0';
    wire_of(&n, &wire);
    sw_parked_init(&p);
    assert_int_equal(sw_parked_build(&wire, NULL, reason, &p, &err), 0);
    assert_int_equal(strlen(value_of(&p, SW_PARKED_ATTR_REASON)), SW_PARKED_REASON_MAX);
    assert_string_equal(value_of(&p, SW_PARKED_ATTR_EVENT_ID), "none");
    assert_int_equal(sw_parked_build(&wire, "ev", "", &p, &err), 0);
    assert_string_equal(value_of(&p, SW_PARKED_ATTR_REASON), "unknown");
    sw_parked_clear(&p);
    sw_notification_clear(&n);
    sw_notification_clear(&wire);
}

static void restore_gives_back_what_was_to_be_published(void **state)
{
    (void)state;
    struct sw_notification n, wire, back;
    struct sw_parked p;
    struct sw_error err = {0};
    wire_of(&n, &wire);
    sw_parked_init(&p);
    sw_notification_init(&back);
    assert_int_equal(sw_parked_build(&wire, "ev-1", "throttled", &p, &err), 0);
    assert_int_equal(sw_parked_restore(parked_attr, &p, &back, &err), 0);
    assert_string_equal(back.subject, wire.subject);
    assert_string_equal(sw_buf_cstr(&back.message), sw_buf_cstr(&wire.message));
    assert_int_equal(back.attribute_count, wire.attribute_count);
    for (size_t i = 0; i < wire.attribute_count; i++) {
        assert_string_equal(back.attributes[i].name, wire.attributes[i].name);
        assert_string_equal(back.attributes[i].value, wire.attributes[i].value);
    }
    sw_parked_clear(&p);
    sw_notification_clear(&n);
    sw_notification_clear(&wire);
    sw_notification_clear(&back);
}

struct fake_msg {
    const char *names[4];
    const char *values[4];
};

static const char *fake_attr(const void *msg, const char *name)
{
    const struct fake_msg *m = msg;
    for (size_t i = 0; i < 4 && m->names[i]; i++) {
        if (strcmp(m->names[i], name) == 0)
            return m->values[i];
    }
    return NULL;
}

static void restore_refuses_failed_events_and_other_versions(void **state)
{
    (void)state;
    struct sw_notification back;
    struct sw_error err = {0};
    sw_notification_init(&back);
    /* What Lambda's on-failure destination sends: a failed event, not a notification. */
    struct fake_msg event = {{"ErrorCode", "ErrorMessage"}, {"200", "RemediationFailed"}};
    assert_int_equal(sw_parked_restore(fake_attr, &event, &back, &err), SW_EINVAL);
    assert_non_null(strstr(err.msg, "not a parked notification"));
    struct fake_msg future = {{SW_PARKED_ATTR_MARKER, SW_PARKED_ATTR_SNS_MESSAGE}, {"2", "{}"}};
    assert_int_equal(sw_parked_restore(fake_attr, &future, &back, &err), SW_EINVAL);
    assert_non_null(strstr(err.msg, "another version"));
    struct fake_msg empty = {{SW_PARKED_ATTR_MARKER}, {"1"}};
    assert_int_equal(sw_parked_restore(fake_attr, &empty, &back, &err), SW_EINVAL);
    struct fake_msg bad = {
        {SW_PARKED_ATTR_MARKER, SW_PARKED_ATTR_SNS_MESSAGE, SW_PARKED_ATTR_SNS_ATTRIBUTES},
        {"1", "{\"default\":\"x\"}", "[1]"}};
    assert_int_equal(sw_parked_restore(fake_attr, &bad, &back, &err), SW_EINVAL);
    sw_notification_clear(&back);
}

static void wire_without_document_is_not_parked(void **state)
{
    (void)state;
    struct sw_notification wire;
    struct sw_parked p;
    struct sw_error err = {0};
    sw_notification_init(&wire);
    sw_parked_init(&p);
    assert_int_equal(sw_buf_append_str(&wire.message, "plain text"), 0);
    assert_int_equal(sw_parked_build(&wire, "ev", "r", &p, &err), SW_EINVAL);
    assert_int_equal(p.count, 0);
    sw_parked_clear(&p);
    sw_notification_clear(&wire);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parked_message_is_the_subscribers_document_with_reason_and_event),
        cmocka_unit_test(dedup_key_is_stable_per_event_and_kind),
        cmocka_unit_test(long_reason_is_cut_and_empty_reason_named),
        cmocka_unit_test(restore_gives_back_what_was_to_be_published),
        cmocka_unit_test(restore_refuses_failed_events_and_other_versions),
        cmocka_unit_test(wire_without_document_is_not_parked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
