/* Unit tests of Security Hub's BatchUpdateFindings wire format: the request body, the checks
 * against the operation's shape, and the answer parser. No network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/aws/securityhub.h"

#include <cjson/cJSON.h>
#include <string.h>

#define ARN "arn:aws:securityhub:us-east-1::product/aws/inspector"
#define ID "arn:aws:inspector2:us-east-1:111122223333:finding/abc"

static const struct sw_securityhub_finding_id one[] = {{ID, ARN}};

static void resolved_with_note_is_the_documented_shape(void **state)
{
    (void)state;
    struct sw_securityhub_update u = {one, 1, SW_SECURITYHUB_WORKFLOW_RESOLVED,
                                      "restored ENHANCED scanning", "scanwarden"};
    struct sw_buf out;
    struct sw_error err = {0};
    sw_buf_init(&out, 1 << 16);
    assert_int_equal(sw_securityhub_batch_update_body(&u, &out, &err), 0);
    assert_string_equal(sw_buf_cstr(&out),
                        "{\"FindingIdentifiers\":[{\"Id\":\"" ID "\",\"ProductArn\":\"" ARN
                        "\"}],\"Workflow\":{\"Status\":\"RESOLVED\"},\"Note\":{\"Text\":"
                        "\"restored ENHANCED scanning\",\"UpdatedBy\":\"scanwarden\"}}");
    /* a note only: no Workflow member at all (the status is left as it is) */
    u.workflow = SW_SECURITYHUB_WORKFLOW_UNCHANGED;
    assert_int_equal(sw_securityhub_batch_update_body(&u, &out, &err), 0);
    assert_null(strstr(sw_buf_cstr(&out), "Workflow"));
    assert_non_null(strstr(sw_buf_cstr(&out), "\"Note\""));
    sw_buf_clear(&out);
}

static void bad_updates_are_refused_naming_the_field(void **state)
{
    (void)state;
    char long_note[SW_SECURITYHUB_NOTE_MAX + 2];
    memset(long_note, 'x', sizeof(long_note) - 1);
    long_note[sizeof(long_note) - 1] = '\0';
    char fits_note[SW_SECURITYHUB_NOTE_MAX + 1];
    memset(fits_note, 'x', sizeof(fits_note) - 1);
    fits_note[sizeof(fits_note) - 1] = '\0';
    const struct sw_securityhub_finding_id no_arn[] = {{ID, ""}};
    const struct sw_securityhub_finding_id no_id[] = {{NULL, ARN}};
    struct {
        struct sw_securityhub_update u;
        const char *names;
    } bad[] = {
        {{one, 0, SW_SECURITYHUB_WORKFLOW_RESOLVED, NULL, NULL}, "findings"},
        {{one, SW_SECURITYHUB_FINDINGS_MAX + 1, SW_SECURITYHUB_WORKFLOW_RESOLVED, NULL, NULL},
         "findings"},
        {{no_arn, 1, SW_SECURITYHUB_WORKFLOW_RESOLVED, NULL, NULL}, "ProductArn"},
        {{no_id, 1, SW_SECURITYHUB_WORKFLOW_RESOLVED, NULL, NULL}, "Id"},
        {{one, 1, (enum sw_securityhub_workflow)99, NULL, NULL}, "Workflow.Status"},
        {{one, 1, SW_SECURITYHUB_WORKFLOW_RESOLVED, long_note, "scanwarden"}, "Note.Text"},
        {{one, 1, SW_SECURITYHUB_WORKFLOW_RESOLVED, "ok", long_note}, "Note.UpdatedBy"},
        {{one, 1, SW_SECURITYHUB_WORKFLOW_RESOLVED, "ok", NULL}, "Note.UpdatedBy"},
        {{one, 1, SW_SECURITYHUB_WORKFLOW_RESOLVED, "\xff\xfe", "scanwarden"}, "Note.Text"},
        {{one, 1, SW_SECURITYHUB_WORKFLOW_UNCHANGED, NULL, NULL}, "neither"},
    };
    struct sw_buf out;
    sw_buf_init(&out, 1 << 16);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct sw_error err = {0};
        assert_int_equal(sw_securityhub_batch_update_body(&bad[i].u, &out, &err), SW_EINVAL);
        assert_non_null(strstr(err.msg, bad[i].names));
    }
    struct sw_error err = {0};
    struct sw_securityhub_update at_limit = {one, 1, SW_SECURITYHUB_WORKFLOW_NOTIFIED, fits_note,
                                             fits_note};
    assert_int_equal(sw_securityhub_batch_update_body(&at_limit, &out, &err), 0);
    sw_buf_clear(&out);
}

static void answer_counts_and_names_the_first_unprocessed(void **state)
{
    (void)state;
    const char *answer =
        "{\"ProcessedFindings\":[{\"Id\":\"a\",\"ProductArn\":\"" ARN "\"}],"
        "\"UnprocessedFindings\":[{\"FindingIdentifier\":{\"Id\":\"b\",\"ProductArn\":\"" ARN
        "\"},\"ErrorCode\":\"FindingNotFound\",\"ErrorMessage\":\"no such finding\"},"
        "{\"FindingIdentifier\":{\"Id\":\"c\",\"ProductArn\":\"" ARN
        "\"},\"ErrorCode\":\"Other\",\"ErrorMessage\":\"x\"}]}";
    struct sw_securityhub_update_result r;
    struct sw_error err = {0};
    assert_int_equal(sw_securityhub_parse_batch_update(answer, strlen(answer), &r, &err), 0);
    assert_int_equal(r.processed, 1);
    assert_int_equal(r.unprocessed, 2);
    assert_string_equal(r.unprocessed_id, "b");
    assert_string_equal(r.error_code, "FindingNotFound");
    assert_string_equal(r.error_message, "no such finding");

    assert_int_equal(sw_securityhub_parse_batch_update("{}", 2, &r, &err), 0);
    assert_int_equal(r.processed + r.unprocessed, 0);

    const char *bad[] = {"[]", "{\"ProcessedFindings\":3}", "{\"UnprocessedFindings\":[1]}",
                         "{\"UnprocessedFindings\":[{\"ErrorCode\":5}]}", "{"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err.msg[0] = '\0';
        assert_int_equal(sw_securityhub_parse_batch_update(bad[i], strlen(bad[i]), &r, &err),
                         SW_EPARSE);
        assert_true(err.msg[0] != '\0');
        assert_int_equal(r.processed + r.unprocessed, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(resolved_with_note_is_the_documented_shape),
        cmocka_unit_test(bad_updates_are_refused_naming_the_field),
        cmocka_unit_test(answer_counts_and_names_the_first_unprocessed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
