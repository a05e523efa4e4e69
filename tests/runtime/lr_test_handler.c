/* lr_test_handler: a function whose behaviour the integration tests choose per invocation.
 *
 * The payload is a command: "describe" answers with every invocation field as JSON
 * (plus _X_AMZN_TRACE_ID and the time remaining), "fail:<type>:<message>" fails,
 * "none" / "none-nonzero" set no response, "badct" / "nullbody" misuse the response
 * API, "abort" crashes; anything else is copied back. LR_TEST_INIT_ERROR=<message> reports an init
 * error. */
#include "lr_json.h"
#include "lr_log.h"
#include "lr_runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DESCRIBE_MAX (16u * LR_HEADER_VALUE_MAX)

static size_t put_field(char *out, size_t cap, size_t len, const char *name, const char *value,
                        int last)
{
    len += (size_t)snprintf(out + len, cap - len, "\"%s\":\"", name);
    len += lr_json_escape(out + len, cap - len, value, strlen(value));
    len += (size_t)snprintf(out + len, cap - len, "\"%s", last ? "}" : ",");
    return len;
}

static int describe(const struct lr_invocation *inv, struct lr_response *out)
{
    static char buf[DESCRIBE_MAX];
    const char *trace = getenv("_X_AMZN_TRACE_ID");
    char num[64];
    size_t n = (size_t)snprintf(buf, sizeof(buf), "{");

    n = put_field(buf, sizeof(buf), n, "request_id", inv->request_id, 0);
    n = put_field(buf, sizeof(buf), n, "xray_trace_id", inv->xray_trace_id, 0);
    n = put_field(buf, sizeof(buf), n, "client_context", inv->client_context, 0);
    n = put_field(buf, sizeof(buf), n, "cognito_identity", inv->cognito_identity, 0);
    n = put_field(buf, sizeof(buf), n, "function_arn", inv->function_arn, 0);
    n = put_field(buf, sizeof(buf), n, "tenant_id", inv->tenant_id, 0);
    n = put_field(buf, sizeof(buf), n, "content_type", inv->content_type, 0);
    n = put_field(buf, sizeof(buf), n, "env_trace_id", trace ? trace : "<unset>", 0);
    snprintf(num, sizeof(num), "%lld", inv->deadline_ms);
    n = put_field(buf, sizeof(buf), n, "deadline_ms", num, 0);
    snprintf(num, sizeof(num), "%lld", lr_time_remaining_ms(inv));
    n = put_field(buf, sizeof(buf), n, "remaining_ms", num, 1);
    if (n >= sizeof(buf))
        return lr_response_failure(out, "Test.TooLong", "describe output too long");
    return lr_response_success(out, buf, n, "application/json");
}

static int handle(const struct lr_invocation *inv, struct lr_response *out, void *user)
{
    const char *p = inv->payload;
    size_t len = inv->payload_len;

    lr_log(LR_LOG_INFO, "test handler: %zu bytes", len);
    if (len == 8 && memcmp(p, "describe", 8) == 0)
        return describe(inv, out);
    if (len >= 5 && memcmp(p, "fail:", 5) == 0) {
        static char type[LR_ERROR_TYPE_MAX + 1];
        const char *colon = memchr(p + 5, ':', len - 5);
        size_t tlen = colon ? (size_t)(colon - (p + 5)) : len - 5;
        if (tlen > LR_ERROR_TYPE_MAX)
            tlen = LR_ERROR_TYPE_MAX;
        memcpy(type, p + 5, tlen);
        type[tlen] = '\0';
        return lr_response_failure(out, type, colon ? colon + 1 : "");
    }
    if (len == 4 && memcmp(p, "none", 4) == 0)
        return 0;
    if (len == 12 && memcmp(p, "none-nonzero", 12) == 0)
        return -1;
    if (len == 5 && memcmp(p, "badct", 5) == 0)
        return lr_response_success(out, "x", 1, "text/plain\r\nX-Injected: 1");
    if (len == 5 && memcmp(p, "abort", 5) == 0)
        abort();
    if (len == 8 && memcmp(p, "nullbody", 8) == 0)
        return lr_response_success(out, NULL, 5, NULL);
    return lr_response_success(out, p, len, inv->content_type);
}

int main(void)
{
    const char *init_error = getenv("LR_TEST_INIT_ERROR");
    if (init_error) {
        struct lr_error err = {0};
        struct lr_runtime *rt = lr_runtime_new(NULL, &err);
        if (!rt) {
            lr_log(LR_LOG_FATAL, "%s", err.msg);
            return 1;
        }
        if (lr_runtime_init_error(rt, "Test.InitFailed", init_error, &err) != 0)
            lr_log(LR_LOG_FATAL, "%s", err.msg);
        lr_runtime_free(rt);
        return 2;
    }
    return lr_run_handler(handle, NULL);
}
