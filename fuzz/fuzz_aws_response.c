/* fuzz_aws_response: libFuzzer entry point for every parser of what an AWS endpoint answers.
 *
 * The first byte picks the parser: the error parser for each protocol (restJson1, awsJson1_1,
 * awsQuery; the status, headers and body come from the input), the Inspector2, ECR and SNS
 * answer parsers, the STS GetCallerIdentity and SQS ReceiveMessage answers (the operator
 * command line's account, the dead-letter replay), Security Hub's BatchUpdateFindings answer,
 * the STS AssumeRole answer (a role_arn profile's temporary credentials),
 * the XML reader, the JSON object reader and
 * the credentials' time parser.
 * Each must return a defined result, stay within its struct, and keep an error code safe
 * to log (printable ASCII); an error's text, once redacted, keeps no run of a credential.
 * fuzz/corpus/fuzz_aws_response/ holds recorded answers with their selector byte: a new parser
 * goes last, before P_COUNT, so the bytes below P_COUNT keep their parser (fuzz/make_corpus.py
 * reads the selector values from this enum). */
#include "fuzz_check.h"
#include "handler/aws/aws_error.h"
#include "handler/aws/credentials.h"
#include "handler/aws/ecr.h"
#include "handler/aws/inspector2.h"
#include "handler/aws/json.h"
#include "handler/aws/redact.h"
#include "handler/aws/securityhub.h"
#include "handler/aws/sns.h"
#include "handler/aws/sqs.h"
#include "handler/aws/sts.h"
#include "handler/aws/xml.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum parser {
    P_ERROR_REST_JSON1 = 0,
    P_ERROR_JSON_1_1,
    P_ERROR_QUERY,
    P_INSPECTOR2_ACCOUNT_STATUS,
    P_INSPECTOR2_ENABLE,
    P_INSPECTOR2_CONFIGURATION,
    P_INSPECTOR2_MEMBERS,
    P_ECR_GET,
    P_ECR_PUT,
    P_SNS_PUBLISH,
    P_XML,
    P_JSON_OBJECT,
    P_CREDS_TIME,
    P_STS_CALLER_IDENTITY,
    P_SQS_RECEIVE,
    P_SECURITYHUB_BATCH_UPDATE,
    P_STS_ASSUME_ROLE,
    P_COUNT
};

static bool rc_defined(int rc)
{
    return rc == 0 || rc == SW_EPARSE || rc == SW_ELIMIT || rc == SW_ENOMEM || rc == SW_EINVAL;
}

/* Copies the next line of (data, size) from *pos into out (cap bytes, cut), for a header. */
static void next_line(const char *data, size_t size, size_t *pos, char *out, size_t cap)
{
    size_t start = *pos, end = start;
    while (end < size && data[end] != '\n')
        end++;
    size_t n = end - start < cap - 1 ? end - start : cap - 1;
    memcpy(out, data + start, n);
    out[n] = '\0';
    *pos = end < size ? end + 1 : end;
}

static void error_parse(enum sw_aws_protocol protocol, const char *d, size_t size)
{
    struct sw_http_response resp;
    sw_http_response_init(&resp);
    size_t pos = 0;
    if (size >= 2) {
        resp.status = 100 + ((unsigned char)d[0] << 8 | (unsigned char)d[1]) % 500;
        pos = 2;
    }
    next_line(d, size, &pos, resp.amzn_error_type, sizeof(resp.amzn_error_type));
    next_line(d, size, &pos, resp.amzn_request_id, sizeof(resp.amzn_request_id));
    next_line(d, size, &pos, resp.content_type, sizeof(resp.content_type));
    FUZZ_CHECK(sw_buf_append(&resp.body, d + pos, size - pos) == 0);

    struct sw_aws_error e;
    sw_aws_error_parse(protocol, &resp, &e);
    size_t clen = strnlen(e.code, sizeof(e.code));
    FUZZ_CHECK(clen > 0 && clen < sizeof(e.code));
    FUZZ_CHECK(strnlen(e.message, sizeof(e.message)) < sizeof(e.message));
    FUZZ_CHECK(strnlen(e.request_id, sizeof(e.request_id)) < sizeof(e.request_id));
    char line[2048];
    size_t n = sw_aws_error_format(&e, line, sizeof(line));
    FUZZ_CHECK(n < sizeof(line) && strlen(line) == n);
    /* What the client does next: no 8-byte run of a credential survives redaction, and the
     * text never grows. */
    static const char *const secrets[] = {"ASIAQNZGKEXAMPLE7KQ3",
                                          "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                          "IQoJb3JpZ2luX2VjE6K41lWiSFRx2OkUqYPHWfKm"};
    size_t before = strlen(line);
    size_t after = sw_redact(line, secrets, 3);
    FUZZ_CHECK(after <= before && strlen(line) == after);
    for (size_t k = 0; k < 3; k++)
        FUZZ_CHECK(!fuzz_holds_run_of(line, secrets[k], SW_REDACT_MIN_RUN));
    sw_http_response_clear(&resp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    enum parser p = (enum parser)(data[0] % P_COUNT);
    const char *d = (const char *)data + 1;
    size_t n = size - 1;
    struct sw_error err = {0};
    int rc = 0;

    switch (p) {
    case P_ERROR_REST_JSON1:
        error_parse(SW_AWS_PROTOCOL_REST_JSON1, d, n);
        break;
    case P_ERROR_JSON_1_1:
        error_parse(SW_AWS_PROTOCOL_JSON_1_1, d, n);
        break;
    case P_ERROR_QUERY:
        error_parse(SW_AWS_PROTOCOL_QUERY, d, n);
        break;
    case P_INSPECTOR2_ACCOUNT_STATUS: {
        struct sw_account_status_list l = {0};
        rc = sw_inspector2_parse_account_status(d, n, &l, &err);
        if (rc == 0) {
            FUZZ_CHECK(l.count <= SW_INSPECTOR2_RESULTS_MAX);
            for (size_t i = 0; i < l.count; i++)
                (void)sw_account_status_find(&l, l.accounts[i].account_id);
        }
        sw_account_status_list_clear(&l);
        break;
    }
    case P_INSPECTOR2_ENABLE: {
        struct sw_enable_result r = {0};
        rc = sw_inspector2_parse_enable(d, n, &r, &err);
        if (rc == 0)
            FUZZ_CHECK(r.count <= SW_INSPECTOR2_RESULTS_MAX &&
                       r.failed_count <= SW_INSPECTOR2_RESULTS_MAX);
        sw_enable_result_clear(&r);
        break;
    }
    case P_INSPECTOR2_CONFIGURATION: {
        struct sw_inspector2_configuration c;
        memset(&c, 0, sizeof(c));
        rc = sw_inspector2_parse_configuration(d, n, &c, &err);
        break;
    }
    case P_INSPECTOR2_MEMBERS: {
        struct sw_member_list l = {0};
        rc = sw_inspector2_parse_members(d, n, &l, &err);
        if (rc == 0)
            FUZZ_CHECK(strnlen(l.next_token, sizeof(l.next_token)) < sizeof(l.next_token));
        sw_member_list_clear(&l);
        break;
    }
    case P_ECR_GET:
    case P_ECR_PUT: {
        struct sw_ecr_scanning_configuration c;
        memset(&c, 0, sizeof(c));
        rc = p == P_ECR_GET ? sw_ecr_parse_get(d, n, &c, &err) : sw_ecr_parse_put(d, n, &c, &err);
        if (rc == 0) {
            FUZZ_CHECK(c.rule_count <= SW_ECR_RULES_READ_MAX);
            for (size_t i = 0; i < c.rule_count; i++)
                FUZZ_CHECK(c.rules[i].filter_count <= SW_ECR_FILTERS_MAX);
            /* What was read can be validated and written back without harm. */
            (void)sw_ecr_validate(&c, &err);
            struct sw_buf body;
            sw_buf_init(&body, SW_HTTP_REQUEST_BODY_MAX);
            (void)sw_ecr_put_body(&c, &body, &err);
            sw_buf_clear(&body);
        }
        sw_ecr_scanning_configuration_clear(&c);
        break;
    }
    case P_SNS_PUBLISH: {
        char id[SW_SNS_MESSAGE_ID_MAX];
        rc = sw_sns_parse_publish(d, n, id, sizeof(id), &err);
        if (rc == 0)
            FUZZ_CHECK(strnlen(id, sizeof(id)) < sizeof(id));
        break;
    }
    case P_XML: {
        static const char *const PATHS[] = {"Error/Code", "Error/Message", "RequestId",
                                            "PublishResult/MessageId"};
        char out[256];
        for (size_t i = 0; i < sizeof(PATHS) / sizeof(PATHS[0]); i++) {
            int x = sw_xml_find_text(d, n, PATHS[i], out, sizeof(out));
            FUZZ_CHECK(x == 1 || x == 0 || x == SW_EPARSE || x == SW_ELIMIT);
            if (x == 1)
                FUZZ_CHECK(strnlen(out, sizeof(out)) < sizeof(out));
        }
        break;
    }
    case P_JSON_OBJECT: {
        cJSON *o = NULL;
        rc = sw_aws_json_parse_object(d, n, "fuzz answer", &o, &err);
        if (rc == 0) {
            FUZZ_CHECK(cJSON_IsObject(o));
            char s[64];
            double num;
            const cJSON *arr;
            size_t count;
            (void)sw_aws_json_copy_string(o, "a", s, sizeof(s), "fuzz", &err);
            (void)sw_aws_json_get_number(o, "n", &num, "fuzz", &err);
            (void)sw_aws_json_get_array(o, "l", 4, &arr, &count, "fuzz", &err);
        } else {
            FUZZ_CHECK(o == NULL);
        }
        cJSON_Delete(o);
        break;
    }
    case P_CREDS_TIME: {
        char s[64];
        size_t m = n < sizeof(s) - 1 ? n : sizeof(s) - 1;
        memcpy(s, d, m);
        s[m] = '\0';
        time_t t = 0;
        rc = sw_creds_parse_time(s, &t);
        FUZZ_CHECK(rc == 0 || rc == SW_EPARSE);
        rc = 0; /* no struct sw_error to check */
        break;
    }
    case P_STS_CALLER_IDENTITY: {
        char account[SW_STS_ACCOUNT_MAX];
        rc = sw_sts_parse_caller_identity(d, n, account, &err);
        if (rc == 0) { /* only ever a 12-digit account id */
            FUZZ_CHECK(strlen(account) == 12);
            for (size_t i = 0; i < 12; i++)
                FUZZ_CHECK(account[i] >= '0' && account[i] <= '9');
        }
        break;
    }
    case P_SQS_RECEIVE: {
        static struct sw_sqs_received r; /* large: kept off the stack */
        rc = sw_sqs_parse_receive(d, n, &r, &err);
        if (rc == 0) {
            FUZZ_CHECK(r.count <= SW_SQS_RECEIVE_MAX);
            for (size_t i = 0; i < r.count; i++) {
                const struct sw_sqs_message *m = &r.messages[i];
                FUZZ_CHECK(m->attribute_count <= SW_SQS_ATTRIBUTES_MAX);
                FUZZ_CHECK(strnlen(m->receipt, sizeof(m->receipt)) < sizeof(m->receipt));
                for (size_t k = 0; k < m->attribute_count; k++)
                    FUZZ_CHECK(sw_sqs_message_attribute(m, m->names[k]) != NULL);
            }
        }
        sw_sqs_received_clear(&r);
        break;
    }
    case P_SECURITYHUB_BATCH_UPDATE: {
        struct sw_securityhub_update_result r;
        rc = sw_securityhub_parse_batch_update(d, n, &r, &err);
        if (rc == 0) {
            FUZZ_CHECK(r.processed <= SW_SECURITYHUB_FINDINGS_MAX);
            FUZZ_CHECK(r.unprocessed <= SW_SECURITYHUB_FINDINGS_MAX);
            FUZZ_CHECK(strnlen(r.unprocessed_id, sizeof(r.unprocessed_id)) <
                       sizeof(r.unprocessed_id));
            FUZZ_CHECK(strnlen(r.error_code, sizeof(r.error_code)) < sizeof(r.error_code));
            FUZZ_CHECK(strnlen(r.error_message, sizeof(r.error_message)) < sizeof(r.error_message));
        } else {
            FUZZ_CHECK(r.processed == 0 && r.unprocessed == 0);
        }
        break;
    }
    case P_STS_ASSUME_ROLE: {
        static struct sw_creds_slot s; /* large (the session token): kept off the stack */
        static const struct sw_creds_slot zero;
        memset(&s, 0, sizeof(s));
        snprintf(s.secret, sizeof(s.secret), "stale-secret");
        s.set = true; /* what an earlier answer left: a refused one must not keep it */
        rc = sw_sts_parse_assume_role(d, n, &s, &err);
        FUZZ_CHECK(rc == 0 || rc == SW_EPARSE);
        if (rc == 0) { /* complete, one printable line each (they go into headers), expiring */
            FUZZ_CHECK(s.set && s.expiration > 0);
            FUZZ_CHECK(s.access_key_id[0] && s.secret[0] && s.token[0]);
            fuzz_check_value(s.access_key_id, sizeof(s.access_key_id), false);
            fuzz_check_value(s.secret, sizeof(s.secret), false);
            fuzz_check_value(s.token, sizeof(s.token), false);
        } else {
            FUZZ_CHECK(memcmp(&s, &zero, sizeof(s)) == 0);
        }
        sw_creds_slot_wipe(&s);
        break;
    }
    case P_COUNT:
        break;
    }
    FUZZ_CHECK(rc_defined(rc));
    if (rc != 0)
        FUZZ_CHECK(err.msg[0] != '\0' && strnlen(err.msg, sizeof(err.msg)) < sizeof(err.msg));
    return 0;
}
