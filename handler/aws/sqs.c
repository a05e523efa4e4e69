/* sw_sqs: the three queue operations over awsJson1_0 (see sqs.h). Bodies are built and read
 * with cJSON; every size is checked before anything is sent. */
#include "handler/aws/sqs.h"

#include "handler/aws/json.h"
#include "handler/core/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQS_CONTENT_TYPE "application/x-amz-json-1.0"
#define SQS_BODY_MAX ((size_t)2 * 1024 * 1024) /* 256 KiB of text, JSON-escaped x6 worst case */

void sw_sqs_received_clear(struct sw_sqs_received *r)
{
    for (size_t i = 0; i < r->count && i < SW_SQS_RECEIVE_MAX; i++) {
        struct sw_sqs_message *m = &r->messages[i];
        free(m->body);
        for (size_t a = 0; a < m->attribute_count; a++) {
            free(m->names[a]);
            free(m->values[a]);
        }
    }
    memset(r, 0, sizeof(*r));
}

const char *sw_sqs_message_attribute(const struct sw_sqs_message *m, const char *name)
{
    for (size_t i = 0; i < m->attribute_count; i++) {
        if (strcmp(m->names[i], name) == 0)
            return m->values[i];
    }
    return NULL;
}

static int check_url(const char *queue_url, const char *op, struct sw_error *err)
{
    if (!queue_url || !*queue_url || strlen(queue_url) >= SW_SQS_QUEUE_URL_MAX)
        return sw_error_set(err, SW_EINVAL, "%s: the queue URL is empty or too long", op);
    return 0;
}

int sw_sqs_send_body(const char *queue_url, const struct sw_sqs_outgoing *m, struct sw_buf *out,
                     struct sw_error *err)
{
    int rc = check_url(queue_url, "sqs:SendMessage", err);
    if (rc)
        return rc;
    if (m->body_len == 0 || !sw_text_utf8_valid(m->body, m->body_len))
        return sw_error_set(err, SW_EINVAL, "sqs:SendMessage: the body is empty or not UTF-8");
    if (m->attribute_count > SW_SQS_ATTRIBUTES_MAX)
        return sw_error_set(err, SW_EINVAL, "sqs:SendMessage: more than %d message attributes",
                            SW_SQS_ATTRIBUTES_MAX);
    size_t total = m->body_len;
    for (size_t i = 0; i < m->attribute_count; i++) {
        const struct sw_sqs_attribute *a = &m->attributes[i];
        if (!a->name || !*a->name || strlen(a->name) > SW_SQS_ATTRIBUTE_NAME_MAX || !a->value ||
            !*a->value)
            return sw_error_set(err, SW_EINVAL,
                                "sqs:SendMessage: message attribute %zu has an empty or too long "
                                "name or an empty value",
                                i + 1);
        total += strlen(a->name) + strlen("String") + strlen(a->value);
    }
    if (total > SW_SQS_MESSAGE_MAX_BYTES)
        return sw_error_set(err, SW_EINVAL,
                            "sqs:SendMessage: body and attributes are %zu bytes, over the %zu SQS "
                            "accepts",
                            total, SW_SQS_MESSAGE_MAX_BYTES);
    cJSON *root = cJSON_CreateObject();
    cJSON *attrs = root ? cJSON_AddObjectToObject(root, "MessageAttributes") : NULL;
    char *body = malloc(m->body_len + 1);
    bool ok = attrs && body && cJSON_AddStringToObject(root, "QueueUrl", queue_url);
    if (ok) {
        memcpy(body, m->body, m->body_len);
        body[m->body_len] = '\0';
        ok = cJSON_AddStringToObject(root, "MessageBody", body) != NULL;
    }
    for (size_t i = 0; ok && i < m->attribute_count; i++) {
        cJSON *v = cJSON_AddObjectToObject(attrs, m->attributes[i].name);
        ok = v && cJSON_AddStringToObject(v, "DataType", "String") &&
             cJSON_AddStringToObject(v, "StringValue", m->attributes[i].value);
    }
    free(body);
    if (!ok) {
        cJSON_Delete(root);
        return sw_error_set(err, SW_ENOMEM, "sqs:SendMessage: out of memory");
    }
    rc = sw_aws_json_print(root, out, err);
    cJSON_Delete(root);
    return rc;
}

/* Copies s into a new string (NULL when out of memory). */
static char *dup_str(const char *s)
{
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (p)
        memcpy(p, s, n + 1);
    return p;
}

static int parse_message(const cJSON *item, struct sw_sqs_message *m, struct sw_error *err)
{
    const char *what = "sqs:ReceiveMessage";
    const cJSON *attrs = NULL;
    int rc = 0;
    if (!cJSON_IsObject(item))
        return sw_error_set(err, SW_EPARSE, "%s: a message is not an object", what);
    TRY(sw_aws_json_copy_string(item, "MessageId", m->message_id, sizeof(m->message_id), what,
                                err));
    TRY(sw_aws_json_copy_string(item, "ReceiptHandle", m->receipt, sizeof(m->receipt), what, err));
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(item, "Body");
    if (!m->receipt[0] || !cJSON_IsString(body))
        return sw_error_set(err, SW_EPARSE, "%s: a message has no ReceiptHandle or Body", what);
    m->body = dup_str(body->valuestring);
    if (!m->body)
        return sw_error_set(err, SW_ENOMEM, "%s: out of memory", what);
    TRY(sw_aws_json_get_object(item, "MessageAttributes", &attrs, what, err));
    for (const cJSON *a = attrs ? attrs->child : NULL; a; a = a->next) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, "StringValue");
        if (!cJSON_IsString(v) || !a->string)
            continue; /* Binary and Number attributes are not ours */
        if (m->attribute_count == SW_SQS_ATTRIBUTES_MAX)
            break;
        char *name = dup_str(a->string), *value = dup_str(v->valuestring);
        if (!name || !value) {
            free(name);
            free(value);
            return sw_error_set(err, SW_ENOMEM, "%s: out of memory", what);
        }
        m->names[m->attribute_count] = name;
        m->values[m->attribute_count++] = value;
    }
out:
    return rc;
}

int sw_sqs_parse_receive(const char *json, size_t len, struct sw_sqs_received *out,
                         struct sw_error *err)
{
    cJSON *root = NULL;
    const cJSON *list = NULL;
    size_t count = 0;
    memset(out, 0, sizeof(*out));
    int rc = sw_aws_json_parse_object(json, len, "sqs:ReceiveMessage", &root, err);
    if (rc)
        return rc;
    TRY(sw_aws_json_get_array(root, "Messages", SW_SQS_RECEIVE_MAX, &list, &count,
                              "sqs:ReceiveMessage", err));
    for (const cJSON *item = list ? list->child : NULL; item && !rc; item = item->next) {
        rc = parse_message(item, &out->messages[out->count], err);
        out->count++; /* counted even when half-filled, so clear frees it */
    }
out:
    cJSON_Delete(root);
    if (rc)
        sw_sqs_received_clear(out);
    return rc;
}

static int run(struct sw_aws_client *c, struct sw_aws_op *op, int rc, const char *operation,
               const char *target, sw_aws_parse_fn parse, void *out, struct sw_aws_error *aerr,
               struct sw_error *err)
{
    struct sw_aws_request req = {
        .service = SW_AWS_SERVICE_SQS,
        .protocol = SW_AWS_PROTOCOL_JSON_1_1, /* errors read the same in awsJson1_0 */
        .operation = operation,
        .path = "/",
        .content_type = SQS_CONTENT_TYPE,
        .target = target,
    };
    return sw_aws_op_run(c, op, rc, &req, parse, out, aerr, err);
}

static int parse_send_cb(const char *b, size_t n, void *out, struct sw_error *err)
{
    cJSON *root = NULL;
    int rc = sw_aws_json_parse_object(b, n, "sqs:SendMessage", &root, err);
    if (!rc)
        rc = sw_aws_json_copy_string(root, "MessageId", out, SW_SQS_MESSAGE_ID_MAX,
                                     "sqs:SendMessage", err);
    cJSON_Delete(root);
    return rc;
}

static int parse_receive_cb(const char *b, size_t n, void *out, struct sw_error *err)
{
    return sw_sqs_parse_receive(b, n, out, err);
}

int sw_sqs_send(struct sw_aws_client *c, const char *queue_url, const struct sw_sqs_outgoing *m,
                char message_id[SW_SQS_MESSAGE_ID_MAX], struct sw_aws_error *aerr,
                struct sw_error *err)
{
    struct sw_aws_op op;
    char ignored[SW_SQS_MESSAGE_ID_MAX];
    char *id = message_id ? message_id : ignored;
    id[0] = '\0';
    sw_aws_op_init(&op, SQS_BODY_MAX, aerr);
    int rc = sw_sqs_send_body(queue_url, m, &op.body, err);
    return run(c, &op, rc, "sqs:SendMessage", "AmazonSQS.SendMessage", parse_send_cb, id, aerr,
               err);
}

int sw_sqs_receive(struct sw_aws_client *c, const char *queue_url, int visibility_s,
                   struct sw_sqs_received *out, struct sw_aws_error *aerr, struct sw_error *err)
{
    struct sw_aws_op op;
    char text[SW_SQS_QUEUE_URL_MAX + 256];
    memset(out, 0, sizeof(*out));
    sw_aws_op_init(&op, SQS_BODY_MAX, aerr);
    int rc = check_url(queue_url, "sqs:ReceiveMessage", err);
    cJSON *url = rc ? NULL : cJSON_CreateString(queue_url);
    char *quoted = url ? cJSON_PrintUnformatted(url) : NULL;
    if (!rc && !quoted)
        rc = sw_error_set(err, SW_ENOMEM, "sqs:ReceiveMessage: out of memory");
    if (!rc) {
        snprintf(text, sizeof(text),
                 "{\"QueueUrl\":%s,\"MaxNumberOfMessages\":%d,\"VisibilityTimeout\":%d,"
                 "\"WaitTimeSeconds\":0,\"MessageAttributeNames\":[\"All\"],"
                 "\"MessageSystemAttributeNames\":[\"All\"]}",
                 quoted, SW_SQS_RECEIVE_MAX, visibility_s);
        rc = sw_buf_append_str(&op.body, text);
    }
    free(quoted);
    cJSON_Delete(url);
    return run(c, &op, rc, "sqs:ReceiveMessage", "AmazonSQS.ReceiveMessage", parse_receive_cb, out,
               aerr, err);
}

/* DeleteMessage or ChangeMessageVisibility (visibility_s >= 0) of one received message. */
static int on_receipt(struct sw_aws_client *c, const char *queue_url, const char *receipt,
                      int visibility_s, const char *operation, const char *target,
                      struct sw_aws_error *aerr, struct sw_error *err)
{
    struct sw_aws_op op;
    sw_aws_op_init(&op, SQS_BODY_MAX, aerr);
    int rc = check_url(queue_url, operation, err);
    cJSON *root = rc ? NULL : cJSON_CreateObject();
    if (!rc &&
        !(root && cJSON_AddStringToObject(root, "QueueUrl", queue_url) &&
          cJSON_AddStringToObject(root, "ReceiptHandle", receipt) &&
          (visibility_s < 0 || cJSON_AddNumberToObject(root, "VisibilityTimeout", visibility_s))))
        rc = sw_error_set(err, SW_ENOMEM, "%s: out of memory", operation);
    if (!rc)
        rc = sw_aws_json_print(root, &op.body, err);
    cJSON_Delete(root);
    return run(c, &op, rc, operation, target, NULL, NULL, aerr, err);
}

int sw_sqs_delete(struct sw_aws_client *c, const char *queue_url, const char *receipt,
                  struct sw_aws_error *aerr, struct sw_error *err)
{
    return on_receipt(c, queue_url, receipt, -1, "sqs:DeleteMessage", "AmazonSQS.DeleteMessage",
                      aerr, err);
}

int sw_sqs_change_visibility(struct sw_aws_client *c, const char *queue_url, const char *receipt,
                             int visibility_s, struct sw_aws_error *aerr, struct sw_error *err)
{
    return on_receipt(c, queue_url, receipt, visibility_s < 0 ? 0 : visibility_s,
                      "sqs:ChangeMessageVisibility", "AmazonSQS.ChangeMessageVisibility", aerr,
                      err);
}
