/* sw_aws_error: one error struct from the four ways AWS (and moto) report
 * failures. Kept pure so every recorded body under tests/aws/data/ can be
 * replayed through it without a network. */
#include "handler/aws/aws_error.h"

#include "handler/aws/redact.h"
#include "handler/aws/xml.h"
#include "handler/core/text.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sw_aws_error_clear(struct sw_aws_error *e)
{
    memset(e, 0, sizeof(*e));
}

size_t sw_aws_error_sanitize_code(const char *raw, size_t len, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    const char *colon = memchr(raw, ':', len);
    if (colon)
        len = (size_t)(colon - raw);
    for (size_t i = len; i > 0; i--) {
        if (raw[i - 1] == '#') {
            raw += i;
            len -= i;
            break;
        }
    }
    while (len && (raw[0] == ' ' || raw[0] == '\t')) {
        raw++;
        len--;
    }
    while (len && (raw[len - 1] == ' ' || raw[len - 1] == '\t'))
        len--;
    size_t n = len < cap - 1 ? len : cap - 1;
    memcpy(out, raw, n);
    out[n] = '\0';
    return n;
}

/* Copies an AWS message without the part that quotes what was signed, cut on a UTF-8 boundary
 * to fit. */
static void copy_message(char *dst, size_t cap, const char *src, size_t len)
{
    size_t keep = sw_redact_signing_echo(src, len);
    size_t n = sw_text_utf8_prefix(src, keep, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Copies text verbatim, cut on a UTF-8 boundary to fit. */
static void copy_text(char *dst, size_t cap, const char *src, size_t len)
{
    size_t n = sw_text_utf8_prefix(src, len, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static const char *json_string(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return (cJSON_IsString(v) && v->valuestring) ? v->valuestring : NULL;
}

static void set_code(struct sw_aws_error *out, const char *raw)
{
    if (raw && *raw && !out->code[0])
        sw_aws_error_sanitize_code(raw, strlen(raw), out->code, sizeof(out->code));
}

static void from_json(enum sw_aws_protocol protocol, const cJSON *root, struct sw_aws_error *out)
{
    if (protocol == SW_AWS_PROTOCOL_REST_JSON1) {
        set_code(out, json_string(root, "code"));
        set_code(out, json_string(root, "__type"));
    } else {
        set_code(out, json_string(root, "__type"));
        set_code(out, json_string(root, "code"));
    }
    const char *msg = json_string(root, "message");
    if (!msg)
        msg = json_string(root, "Message");
    if (!msg)
        msg = json_string(root, "errorMessage");
    if (msg && !out->message[0])
        copy_message(out->message, sizeof(out->message), msg, strlen(msg));
}

static void from_xml(const char *body, size_t len, struct sw_aws_error *out)
{
    char tmp[SW_AWS_ERROR_MESSAGE_MAX];

    if (!out->code[0] && sw_xml_find_text(body, len, "Error/Code", tmp, sizeof(tmp)) == 1)
        set_code(out, tmp);
    /* The whole message is read (a SignatureDoesNotMatch echo makes it longer than what is
     * kept), so the part before the echo can be kept. The decoded text is never longer than
     * the document. */
    char *msg = out->message[0] ? NULL : malloc(len + 1);
    if (msg && sw_xml_find_text(body, len, "Error/Message", msg, len + 1) == 1)
        copy_message(out->message, sizeof(out->message), msg, strlen(msg));
    free(msg);
    if (!out->request_id[0] && sw_xml_find_text(body, len, "RequestId", tmp, sizeof(tmp)) == 1)
        copy_text(out->request_id, sizeof(out->request_id), tmp, strlen(tmp));
    if (!out->request_id[0] && sw_xml_find_text(body, len, "RequestID", tmp, sizeof(tmp)) == 1)
        copy_text(out->request_id, sizeof(out->request_id), tmp, strlen(tmp));
}

static void describe_body(const struct sw_http_response *resp, struct sw_aws_error *out)
{
    char snippet[121];
    size_t n = 0, i = 0;
    const char *b = resp->body.data;
    size_t len = b ? sw_redact_signing_echo(b, resp->body.len) : 0;
    /* first printable run of the body, so "404 <html>Not Found" reads sensibly */
    for (; b && i < len && n < sizeof(snippet) - 1; i++) {
        unsigned char c = (unsigned char)b[i];
        if (c == '\r' || c == '\n' || c == '\t')
            c = ' ';
        if (c < 0x20 || c >= 0x7f)
            continue;
        if (c == ' ' && n > 0 && snippet[n - 1] == ' ')
            continue;
        snippet[n++] = (char)c;
    }
    snippet[n] = '\0';
    if (resp->body.len == 0)
        snprintf(out->message, sizeof(out->message), "HTTP %ld with an empty body", resp->status);
    else
        snprintf(out->message, sizeof(out->message), "HTTP %ld with an unrecognised %s body: %s%s",
                 resp->status, resp->content_type[0] ? resp->content_type : "untyped", snippet,
                 i < resp->body.len ? "..." : "");
}

void sw_aws_error_parse(enum sw_aws_protocol protocol, const struct sw_http_response *resp,
                        struct sw_aws_error *out)
{
    const char *body = resp->body.data;
    size_t len = body ? resp->body.len : 0;
    bool understood = false;

    sw_aws_error_clear(out);
    out->http_status = resp->status;
    if (resp->amzn_request_id[0])
        copy_text(out->request_id, sizeof(out->request_id), resp->amzn_request_id,
                  strlen(resp->amzn_request_id));
    else if (resp->amz_request_id[0])
        copy_text(out->request_id, sizeof(out->request_id), resp->amz_request_id,
                  strlen(resp->amz_request_id));
    if (protocol == SW_AWS_PROTOCOL_REST_JSON1)
        set_code(out, resp->amzn_error_type);

    if (len > 0 && len <= SW_AWS_ERROR_BODY_MAX) {
        if (sw_xml_looks_like_xml(body, len)) {
            from_xml(body, len, out);
            understood = out->code[0] != '\0';
        } else {
            cJSON *root = cJSON_ParseWithLength(body, len);
            if (cJSON_IsObject(root)) {
                from_json(protocol, root, out);
                understood = true;
            }
            cJSON_Delete(root);
        }
    }
    set_code(out, resp->amzn_error_type);
    if (!out->code[0])
        snprintf(out->code, sizeof(out->code), "HTTP %ld", resp->status);
    if (!understood && !out->message[0])
        describe_body(resp, out);
}

size_t sw_aws_error_format(const struct sw_aws_error *e, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    int n;
    if (e->http_status)
        n = snprintf(out, cap, "%s%s%s (HTTP %ld, request id %s)", e->code,
                     e->message[0] ? ": " : "", e->message, e->http_status,
                     e->request_id[0] ? e->request_id : "none");
    else
        n = snprintf(out, cap, "%s%s%s", e->code, e->message[0] ? ": " : "", e->message);
    if (n < 0) {
        out[0] = '\0';
        return 0;
    }
    return (size_t)n < cap ? (size_t)n : cap - 1;
}
