/* sw_outcome: the answer of one invocation (see outcome.h). */
#include "handler/decide/outcome.h"

#include "handler/core/text.h"
#include "runtime/lr_log.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sw_outcome_init(struct sw_outcome *out)
{
    memset(out, 0, sizeof(*out));
    sw_buf_init(&out->body, SW_RESULT_JSON_MAX > SW_FUNCTION_ERROR_MESSAGE_MAX
                                ? SW_RESULT_JSON_MAX
                                : SW_FUNCTION_ERROR_MESSAGE_MAX);
}

void sw_outcome_clear(struct sw_outcome *out)
{
    sw_buf_clear(&out->body);
    out->failed = false;
    out->error_type[0] = '\0';
}

void sw_outcome_fail(struct sw_outcome *out, const char *type, const char *msg)
{
    out->failed = true;
    snprintf(out->error_type, sizeof(out->error_type), "%s", type);
    sw_buf_reset(&out->body);
    size_t len = sw_text_utf8_prefix(msg, strlen(msg), SW_FUNCTION_ERROR_MESSAGE_MAX);
    if (sw_buf_append(&out->body, msg, len) != SW_OK) {
        sw_buf_reset(&out->body);
    }
}

void sw_outcome_succeed(struct sw_outcome *out, const struct sw_result *r)
{
    struct sw_error err = {0};
    if (sw_result_json(r, &out->body, &err) != SW_OK) {
        sw_outcome_fail(out, SW_FUNCTION_ERROR_INTERNAL, err.msg);
    }
}

void sw_outcome_check(struct sw_outcome *out, const struct sw_result *r)
{
    struct sw_buf msg;
    sw_buf_init(&msg, SW_RESULT_MESSAGE_MAX);
    if (sw_result_remediation_failed(r, &msg)) {
        lr_log(LR_LOG_ERROR, "%s", sw_buf_cstr(&msg));
        sw_outcome_fail(out, SW_RESULT_ERROR_REMEDIATION_FAILED, sw_buf_cstr(&msg));
    } else {
        sw_outcome_succeed(out, r);
    }
    sw_buf_clear(&msg);
}

void sw_outcome_parked(struct sw_outcome *out, size_t parked, size_t published)
{
    if (out->failed || parked == 0)
        return;
    cJSON *root = cJSON_ParseWithLength(out->body.data, out->body.len);
    char *text = NULL;
    bool ok = cJSON_IsObject(root);
    if (ok && published == 0) {
        cJSON_DeleteItemFromObjectCaseSensitive(root, "notified");
        ok = cJSON_AddBoolToObject(root, "notified", false) != NULL;
    }
    ok = ok && cJSON_AddBoolToObject(root, "parked", true) &&
         cJSON_AddNumberToObject(root, "parked_count", (double)parked);
    text = ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (text == NULL) {
        sw_outcome_fail(out, SW_FUNCTION_ERROR_INTERNAL, "the answer could not be written");
        return;
    }
    sw_buf_reset(&out->body);
    if (sw_buf_append_str(&out->body, text) != SW_OK)
        sw_outcome_fail(out, SW_FUNCTION_ERROR_INTERNAL, "the answer is too large");
    free(text);
}
