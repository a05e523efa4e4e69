/* sw_sns: Publish over awsQuery. The body is a form in botocore's member order
 * and botocore's encoding (Python urlencode: space as '+', every other byte
 * outside A-Z a-z 0-9 - _ . ~ as %XX), so the same notification always gives
 * the same bytes, and they are the bytes moto re-encodes when it checks the
 * signature. The answer is XML, read with sw_xml. docs/contract.md §4 is re-checked here. */
#include "handler/aws/sns.h"

#include "handler/aws/xml.h"
#include "handler/core/text.h"

#include <stdio.h>
#include <string.h>

#define SNS_CONTENT_TYPE "application/x-www-form-urlencoded; charset=utf-8"

int sw_sns_form_encode(struct sw_buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    char chunk[1024]; /* encoded in chunks: one bounded append per 1 KiB, not per byte */
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (n > sizeof(chunk) - 3) {
            int rc = sw_buf_append(out, chunk, n);
            if (rc)
                return rc;
            n = 0;
        }
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            chunk[n++] = (char)c;
        } else if (c == ' ') {
            /* '+' (form encoding): AWS decodes it as a space, and moto_server, which
             * re-encodes the parsed form with quote_plus to check the signature, only
             * verifies bodies written this way (every Publish failed with %20). */
            chunk[n++] = '+';
        } else {
            chunk[n++] = '%';
            chunk[n++] = hex[c >> 4];
            chunk[n++] = hex[c & 0xf];
        }
    }
    return n ? sw_buf_append(out, chunk, n) : 0;
}

static int pair(struct sw_buf *out, const char *key, const char *value, size_t len)
{
    int rc = out->len ? sw_buf_append_char(out, '&') : 0;
    if (!rc)
        rc = sw_buf_append_str(out, key);
    if (!rc)
        rc = sw_buf_append_char(out, '=');
    if (!rc)
        rc = sw_sns_form_encode(out, value, len);
    return rc;
}

static int check(const char *topic_arn, const struct sw_notification *n, struct sw_error *err)
{
    if (!topic_arn || !*topic_arn || strlen(topic_arn) >= SW_SNS_TOPIC_ARN_MAX)
        return sw_error_set(err, SW_EINVAL, "sns:Publish: the topic ARN is empty or too long");
    if (n->message.len == 0)
        return sw_error_set(err, SW_EINVAL, "sns:Publish: the message is empty");
    if (n->message.len > SW_SNS_MESSAGE_MAX_BYTES ||
        !sw_text_utf8_valid(n->message.data, n->message.len))
        return sw_error_set(err, SW_EINVAL,
                            "sns:Publish: the message is over 256 KiB or not UTF-8 (call "
                            "sw_notification_finish first)");
    size_t slen = strnlen(n->subject, sizeof(n->subject));
    if (slen > SW_SUBJECT_MAX_CHARS)
        return sw_error_set(err, SW_EINVAL, "sns:Publish: the subject is over %d characters",
                            SW_SUBJECT_MAX_CHARS);
    for (size_t i = 0; i < slen; i++) {
        unsigned char c = (unsigned char)n->subject[i];
        if (c < 0x20 || c >= 0x7f)
            return sw_error_set(err, SW_EINVAL,
                                "sns:Publish: the subject has a non-ASCII or control character");
    }
    if (n->attribute_count > SW_ATTRIBUTES_MAX)
        return sw_error_set(err, SW_EINVAL, "sns:Publish: more than %d message attributes",
                            SW_ATTRIBUTES_MAX);
    for (size_t i = 0; i < n->attribute_count; i++) {
        const struct sw_attribute *a = &n->attributes[i];
        if (!a->name[0] || !a->value[0])
            return sw_error_set(err, SW_EINVAL,
                                "sns:Publish: message attribute %zu has an empty name or value",
                                i + 1);
    }
    return 0;
}

int sw_sns_publish_body(const char *topic_arn, const struct sw_notification *n,
                        bool message_structure_json, struct sw_buf *out, struct sw_error *err)
{
    char key[80];
    int rc = check(topic_arn, n, err);
    if (rc)
        return rc;
    sw_buf_reset(out);
    rc = pair(out, "Action", "Publish", 7);
    if (!rc)
        rc = pair(out, "Version", "2010-03-31", 10);
    if (!rc)
        rc = pair(out, "TopicArn", topic_arn, strlen(topic_arn));
    if (!rc && n->subject[0])
        rc = pair(out, "Subject", n->subject, strlen(n->subject));
    if (!rc)
        rc = pair(out, "Message", n->message.data, n->message.len);
    if (!rc && message_structure_json)
        rc = pair(out, "MessageStructure", "json", 4);
    for (size_t i = 0; !rc && i < n->attribute_count; i++) {
        const struct sw_attribute *a = &n->attributes[i];
        size_t entry = i + 1;
        snprintf(key, sizeof(key), "MessageAttributes.entry.%zu.Name", entry);
        rc = pair(out, key, a->name, strnlen(a->name, sizeof(a->name)));
        if (!rc) {
            snprintf(key, sizeof(key), "MessageAttributes.entry.%zu.Value.DataType", entry);
            rc = pair(out, key, "String", 6);
        }
        if (!rc) {
            snprintf(key, sizeof(key), "MessageAttributes.entry.%zu.Value.StringValue", entry);
            rc = pair(out, key, a->value, strnlen(a->value, sizeof(a->value)));
        }
    }
    if (rc)
        return sw_error_set(err, rc, "sns:Publish: request body over %zu bytes or out of memory",
                            out->max);
    return 0;
}

int sw_sns_parse_publish(const char *xml, size_t len, char *message_id, size_t cap,
                         struct sw_error *err)
{
    int rc = sw_xml_find_text(xml, len, "PublishResult/MessageId", message_id, cap);
    if (rc == 1 && message_id[0])
        return 0;
    if (rc == SW_ELIMIT)
        return sw_error_set(err, SW_ELIMIT, "sns:Publish: answer too large or MessageId too long");
    if (rc < 0)
        return sw_error_set(err, SW_EPARSE, "sns:Publish: the answer is not well-formed XML");
    return sw_error_set(err, SW_EPARSE, "sns:Publish: the answer has no MessageId");
}

static int parse_publish_cb(const char *b, size_t n, void *out, struct sw_error *err)
{
    return sw_sns_parse_publish(b, n, out, SW_SNS_MESSAGE_ID_MAX, err);
}

int sw_sns_publish(struct sw_aws_client *c, const char *topic_arn, const struct sw_notification *n,
                   bool message_structure_json, char message_id[SW_SNS_MESSAGE_ID_MAX],
                   struct sw_aws_error *aerr, struct sw_error *err)
{
    struct sw_aws_op op;
    message_id[0] = '\0';
    sw_aws_op_init(&op, SW_SNS_BODY_MAX, aerr);
    int rc = sw_sns_publish_body(topic_arn, n, message_structure_json, &op.body, err);
    struct sw_aws_request req = {
        .service = SW_AWS_SERVICE_SNS,
        .protocol = SW_AWS_PROTOCOL_QUERY,
        .operation = "sns:Publish",
        .path = "/",
        .content_type = SNS_CONTENT_TYPE,
    };
    return sw_aws_op_run(c, &op, rc, &req, parse_publish_cb, message_id, aerr, err);
}
