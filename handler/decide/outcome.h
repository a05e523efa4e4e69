/* sw_outcome: what one invocation answers (docs/contract.md §5): a success body (the
 * sw_result JSON) or an error type with its message. The pipeline and the scope modules
 * (org_run.c) fill it through these helpers only. */
#ifndef SW_OUTCOME_H
#define SW_OUTCOME_H

#include "handler/core/buf.h"
#include "handler/decide/result.h"

#include <stdbool.h>

#define SW_FUNCTION_ERROR_INVALID_EVENT "InvalidEvent"
#define SW_FUNCTION_ERROR_NOTIFICATION_FAILED "NotificationFailed"
#define SW_FUNCTION_ERROR_INTERNAL "InternalError"
#define SW_FUNCTION_ERROR_TYPE_MAX 64
/* Bytes of an error response message (the runtime cuts longer ones anyway). */
#define SW_FUNCTION_ERROR_MESSAGE_MAX 2048

/* What to answer: a success body, or an error of type error_type with body as message. */
struct sw_outcome {
    bool failed;
    char error_type[SW_FUNCTION_ERROR_TYPE_MAX];
    struct sw_buf body;
};

void sw_outcome_init(struct sw_outcome *out);
void sw_outcome_clear(struct sw_outcome *out);

/* Answers an error of type with msg (cut to SW_FUNCTION_ERROR_MESSAGE_MAX bytes of UTF-8). */
void sw_outcome_fail(struct sw_outcome *out, const char *type, const char *msg);

/* Answers r as the success JSON (InternalError when it cannot be written). */
void sw_outcome_succeed(struct sw_outcome *out, const struct sw_result *r);

/* Notes in a success answer that parked notifications went to the dead-letter queue instead
 * of the topic: "parked":true and "parked_count", and "notified":false when none was
 * published (docs/contract.md §5). An error answer is left as it is. */
void sw_outcome_parked(struct sw_outcome *out, size_t parked, size_t published);

/* The answer to a drift check: RemediationFailed (logged) when the state was not restored
 * or could not be read, else r as the success JSON. */
void sw_outcome_check(struct sw_outcome *out, const struct sw_result *r);

#endif
