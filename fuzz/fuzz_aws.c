/* fuzz_aws: every parser of AWS answers on arbitrary bytes: the XML reader, the error parser
 * of each protocol (body and headers), the Inspector2/ECR JSON parsers and the SNS Publish
 * answer; the same bytes (up to a NUL) as the X-Ray trace header (a subsegment built from it
 * must be valid JSON naming the header's trace). Seeds: tests/aws/data/responses, the bodies
 * in tests/aws/data/errors and a trace header. */
#include "handler/aws/aws_error.h"
#include "handler/aws/ecr.h"
#include "handler/aws/inspector2.h"
#include "handler/aws/sns.h"
#include "handler/aws/xray.h"
#include "handler/aws/xml.h"
#include "fuzz_check.h"

#include <cjson/cJSON.h>

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The trace header (runtime/ copies Lambda-Runtime-Trace-Id, whatever it holds). */
static void trace_header(const uint8_t *data, size_t size)
{
    char value[SW_XRAY_HEADER_MAX + 16];
    size_t n = size < sizeof(value) - 1 ? size : sizeof(value) - 1;
    memcpy(value, data, n);
    value[n] = '\0';
    struct sw_xray_header h;
    sw_xray_header_parse(value, &h);
    if (!sw_xray_traced(&h))
        return;
    FUZZ_CHECK(sw_xray_header_sendable(value));
    struct sw_xray_call call = {.service = "sns",
                                .operation = "Publish",
                                .region = "eu-west-1",
                                .http_status = 200,
                                .attempts = 1,
                                .start_time = 1.5,
                                .end_time = 2.5};
    char doc[SW_XRAY_DOC_MAX];
    size_t len = sw_xray_subsegment(&h, &call, "0123456789abcdef", doc, sizeof(doc));
    FUZZ_CHECK(len > 0);
    const char *nl = strchr(doc, '\n');
    FUZZ_CHECK(nl != NULL);
    cJSON *d = cJSON_Parse(nl + 1);
    FUZZ_CHECK(d != NULL);
    const cJSON *tid = cJSON_GetObjectItemCaseSensitive(d, "trace_id");
    FUZZ_CHECK(cJSON_IsString(tid) && strcmp(tid->valuestring, h.root) == 0);
    cJSON_Delete(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    trace_header(data, size);
    const char *s = (const char *)data;
    char out[256];
    struct sw_error err = {0};

    static const char *const paths[] = {"Error/Code", "MessageId", "a/b/c", "RequestId"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        sw_xml_find_text(s, size, paths[i], out, sizeof(out));
    sw_sns_parse_publish(s, size, out, sizeof(out), &err);

    struct sw_http_response resp;
    sw_http_response_init(&resp);
    sw_buf_append(&resp.body, data, size);
    resp.status = 400;
    /* the first bytes double as a header value, as a server could send anything there */
    size_t h = size < 64 ? size : 64;
    memcpy(resp.amzn_error_type, data, h);
    resp.amzn_error_type[h] = '\0';
    for (int p = SW_AWS_PROTOCOL_REST_JSON1; p <= SW_AWS_PROTOCOL_QUERY; p++) {
        struct sw_aws_error e;
        sw_aws_error_parse((enum sw_aws_protocol)p, &resp, &e);
        sw_aws_error_format(&e, out, sizeof(out));
    }
    sw_http_response_clear(&resp);

    struct sw_account_status_list st;
    if (sw_inspector2_parse_account_status(s, size, &st, &err) == 0)
        sw_account_status_list_clear(&st);
    struct sw_enable_result en;
    if (sw_inspector2_parse_enable(s, size, &en, &err) == 0)
        sw_enable_result_clear(&en);
    struct sw_inspector2_configuration cfg;
    sw_inspector2_parse_configuration(s, size, &cfg, &err);
    struct sw_member_list m;
    if (sw_inspector2_parse_members(s, size, &m, &err) == 0)
        sw_member_list_clear(&m);
    struct sw_ecr_scanning_configuration ecr;
    if (sw_ecr_parse_get(s, size, &ecr, &err) == 0) {
        sw_ecr_validate(&ecr, &err);
        sw_ecr_scanning_configuration_clear(&ecr);
    }
    if (sw_ecr_parse_put(s, size, &ecr, &err) == 0)
        sw_ecr_scanning_configuration_clear(&ecr);
    return 0;
}
