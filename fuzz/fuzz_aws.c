/* fuzz_aws: every parser of AWS answers on arbitrary bytes: the XML reader, the error parser
 * of each protocol (body and headers), the Inspector2/ECR JSON parsers and the SNS Publish
 * answer. Seeds: tests/aws/data/responses and the bodies in tests/aws/data/errors. */
#include "handler/aws/aws_error.h"
#include "handler/aws/ecr.h"
#include "handler/aws/inspector2.h"
#include "handler/aws/sns.h"
#include "handler/aws/xml.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
