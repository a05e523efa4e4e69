/* sw_sts: GetCallerIdentity over awsQuery (see sts.h). Form body with botocore's member
 * order, XML answer, account checked by handler/core/ids.h. */
#include "handler/aws/sts.h"

#include "handler/aws/xml.h"
#include "handler/core/ids.h"

#include <string.h>

#define STS_CONTENT_TYPE "application/x-www-form-urlencoded; charset=utf-8"

const char SW_STS_GET_CALLER_IDENTITY_BODY[] = "Action=GetCallerIdentity&Version=2011-06-15";

int sw_sts_parse_caller_identity(const char *xml, size_t len, char account[SW_STS_ACCOUNT_MAX],
                                 struct sw_error *err)
{
    char tmp[64];
    account[0] = '\0';
    int rc = sw_xml_find_text(xml, len, "GetCallerIdentityResult/Account", tmp, sizeof(tmp));
    if (rc < 0)
        return sw_error_set(
            err, SW_EPARSE,
            "sts:GetCallerIdentity: the answer is not well-formed XML or too large");
    if (rc != 1 || !sw_account_id_ok(tmp))
        return sw_error_set(err, SW_EPARSE,
                            "sts:GetCallerIdentity: the answer has no 12-digit Account");
    memcpy(account, tmp, SW_ACCOUNT_ID_LEN + 1);
    return 0;
}

static int parse_identity_cb(const char *b, size_t n, void *out, struct sw_error *err)
{
    return sw_sts_parse_caller_identity(b, n, out, err);
}

int sw_sts_get_caller_identity(struct sw_aws_client *c, char account[SW_STS_ACCOUNT_MAX],
                               struct sw_aws_error *aerr, struct sw_error *err)
{
    struct sw_aws_op op;
    account[0] = '\0';
    sw_aws_op_init(&op, 0, aerr);
    struct sw_aws_request req = {
        .service = SW_AWS_SERVICE_STS,
        .protocol = SW_AWS_PROTOCOL_QUERY,
        .operation = "sts:GetCallerIdentity",
        .path = "/",
        .content_type = STS_CONTENT_TYPE,
        .body = SW_STS_GET_CALLER_IDENTITY_BODY,
        .body_len = sizeof(SW_STS_GET_CALLER_IDENTITY_BODY) - 1,
    };
    return sw_aws_op_run(c, &op, 0, &req, parse_identity_cb, account, aerr, err);
}
