/* sw_sts: GetCallerIdentity over awsQuery (see sts.h). Form body with botocore's member
 * order, XML answer, account checked by handler/core/ids.h. */
#include "handler/aws/sts.h"

#include "handler/aws/credentials_container.h"
#include "handler/aws/xml.h"
#include "handler/core/ids.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
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

int sw_sts_parse_assume_role(const char *xml, size_t len, struct sw_creds_slot *out,
                             struct sw_error *err)
{
    char when[64];
    sw_creds_slot_wipe(out);
    int a = sw_xml_find_text(xml, len, "AssumeRoleResult/Credentials/AccessKeyId",
                             out->access_key_id, sizeof(out->access_key_id));
    int b = sw_xml_find_text(xml, len, "AssumeRoleResult/Credentials/SecretAccessKey", out->secret,
                             sizeof(out->secret));
    int t = sw_xml_find_text(xml, len, "AssumeRoleResult/Credentials/SessionToken", out->token,
                             sizeof(out->token));
    int e =
        sw_xml_find_text(xml, len, "AssumeRoleResult/Credentials/Expiration", when, sizeof(when));
    if (a != 1 || b != 1 || t != 1 || e != 1 || !out->access_key_id[0] || !out->secret[0] ||
        !out->token[0] || sw_creds_has_ctl(out->access_key_id) || sw_creds_has_ctl(out->secret) ||
        sw_creds_has_ctl(out->token) || sw_creds_parse_time(when, &out->expiration) != 0) {
        sw_creds_slot_wipe(out);
        return sw_error_set(err, SW_EPARSE,
                            "sts:AssumeRole: the answer has no complete Credentials (AccessKeyId, "
                            "SecretAccessKey, SessionToken, Expiration)");
    }
    out->set = true;
    return 0;
}

static int parse_assume_cb(const char *b, size_t n, void *out, struct sw_error *err)
{
    return sw_sts_parse_assume_role(b, n, out, err);
}

/* Appends name=value (value percent-encoded: all but A-Z a-z 0-9 - _ . ~). */
static size_t put_param(char *dst, size_t cap, size_t o, const char *name, const char *value)
{
    o += (size_t)snprintf(dst + o, o < cap ? cap - o : 0, "&%s=", name);
    for (const unsigned char *v = (const unsigned char *)value; *v && o + 4 < cap; v++) {
        if ((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') || (*v >= '0' && *v <= '9') ||
            *v == '-' || *v == '_' || *v == '.' || *v == '~')
            dst[o++] = (char)*v;
        else
            o += (size_t)snprintf(dst + o, cap - o, "%%%02X", *v);
    }
    if (o < cap)
        dst[o] = '\0';
    return o;
}

int sw_sts_assume_role(struct sw_aws_client *c, const char *role_arn, const char *session_name,
                       struct sw_creds_slot *out, struct sw_aws_error *aerr, struct sw_error *err)
{
    char body[8192];
    if (strlen(role_arn) > 2048 || strlen(session_name) > 64)
        return sw_error_set(err, SW_ECONFIG, "sts:AssumeRole: role_arn or session name too long");
    size_t o = (size_t)snprintf(body, sizeof(body), "Action=AssumeRole");
    o = put_param(body, sizeof(body), o, "RoleArn", role_arn);
    o = put_param(body, sizeof(body), o, "RoleSessionName", session_name);
    o = put_param(body, sizeof(body), o, "Version", "2011-06-15");
    struct sw_aws_op op;
    sw_aws_op_init(&op, 0, aerr);
    struct sw_aws_request req = {
        .service = SW_AWS_SERVICE_STS,
        .protocol = SW_AWS_PROTOCOL_QUERY,
        .operation = "sts:AssumeRole",
        .path = "/",
        .content_type = STS_CONTENT_TYPE,
        .body = body,
        .body_len = o,
    };
    return sw_aws_op_run(c, &op, 0, &req, parse_assume_cb, out, aerr, err);
}
