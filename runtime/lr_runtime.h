/* lr_runtime: the whole public API of the Lambda Runtime API client library.
 *
 * A custom-runtime function (provided.al2023 `bootstrap`) gets its events from
 * the Lambda Runtime API over HTTP. This library runs that loop for any C
 * handler, in the shape of aws-lambda-cpp's runtime.h: fetch an invocation,
 * call the handler, post its success or failure, repeat. It knows nothing of
 * AWS services; logging is lr_log.h. */
#ifndef LR_RUNTIME_H
#define LR_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>

/* Largest invocation payload accepted, and largest response body a handler may set.
 * Lambda's synchronous limit is 6 MB; a bit more is accepted so that Lambda, not this
 * library, decides. A larger payload is answered with errorType Runtime.PayloadTooLarge. */
#define LR_PAYLOAD_MAX (7u * 1024u * 1024u)
/* Longest header value kept (client context, Cognito identity, ARN, ...). Longer ones are
 * cut at this length (the request id and deadline are validated instead, see below). */
#define LR_HEADER_VALUE_MAX 8192u
/* Longest request id: Lambda's are 36-character UUIDs. */
#define LR_REQUEST_ID_MAX 128u
/* Longest errorType / errorMessage kept in a failure response (bytes of UTF-8); longer
 * ones are cut on a character boundary. */
#define LR_ERROR_TYPE_MAX 256u
#define LR_ERROR_MESSAGE_MAX (64u * 1024u)
/* Longest Content-Type a handler may set. */
#define LR_CONTENT_TYPE_MAX 256u

/* errorType values the library itself sends. */
#define LR_ERROR_NO_RESPONSE "Runtime.NoResponse"               /* handler set no response */
#define LR_ERROR_HANDLER_FAILED "Runtime.HandlerFailed"         /* ... and returned non-zero */
#define LR_ERROR_INVALID_RESPONSE "Runtime.InvalidResponse"     /* bad arguments to lr_response_* */
#define LR_ERROR_PAYLOAD_TOO_LARGE "Runtime.PayloadTooLarge"    /* payload > LR_PAYLOAD_MAX */
#define LR_ERROR_INVALID_INVOCATION "Runtime.InvalidInvocation" /* bad deadline header */

/* Status codes returned by the actions below: 0 or negative, never renumbered. */
enum lr_status {
    LR_OK = 0,
    LR_ENOMEM = -1, /* an allocation failed */
    LR_EINVAL = -2, /* bad argument (NULL handler, endpoint missing or malformed) */
    LR_ELIMIT = -3, /* a value larger than its LR_*_MAX */
    LR_EPROTO = -4, /* the Runtime API broke its protocol (e.g. no request id) */
    LR_EIO = -5,    /* the Runtime API could not be reached, after the retries */
    LR_EAPI = -6,   /* the Runtime API answered 500 (or another status that means "exit") */
};

#define LR_ERROR_MSG_MAX 256

struct lr_error {
    int code;                   /* one of enum lr_status */
    char msg[LR_ERROR_MSG_MAX]; /* what went wrong, in words a user can act on */
};

/* One invocation, as the Runtime API delivered it. Everything is borrowed from the
 * runtime and valid only during the handler call. Strings are NUL-terminated and never
 * NULL: "" when the header was absent. */
struct lr_invocation {
    const char *payload;          /* the event bytes; binary-safe (also NUL-terminated) */
    size_t payload_len;           /* 0..LR_PAYLOAD_MAX */
    const char *request_id;       /* Lambda-Runtime-Aws-Request-Id; never "" */
    const char *xray_trace_id;    /* Lambda-Runtime-Trace-Id (also in _X_AMZN_TRACE_ID) */
    const char *client_context;   /* Lambda-Runtime-Client-Context (JSON, mobile SDK) */
    const char *cognito_identity; /* Lambda-Runtime-Cognito-Identity (JSON) */
    const char *function_arn;     /* Lambda-Runtime-Invoked-Function-Arn */
    const char *tenant_id;        /* Lambda-Runtime-Aws-Tenant-Id (tenant isolation mode) */
    const char *content_type;     /* Content-Type of the payload */
    long long deadline_ms;        /* Lambda-Runtime-Deadline-Ms: Unix epoch milliseconds */
};

/* Milliseconds left before the invocation's deadline (negative once it has passed). */
long long lr_time_remaining_ms(const struct lr_invocation *inv);

/* What the handler answers; owned by the runtime, reused between invocations. */
struct lr_response;

/* Sets a success response: len bytes of body (copied; binary-safe; body may be NULL when
 * len is 0) and its Content-Type (NULL: "application/json"). Returns 0, or LR_EINVAL
 * (NULL body with len > 0, content type not printable ASCII) / LR_ELIMIT (len >
 * LR_PAYLOAD_MAX, content type > LR_CONTENT_TYPE_MAX) / LR_ENOMEM; on error the response
 * becomes a failure of type Runtime.InvalidResponse saying why. */
int lr_response_success(struct lr_response *out, const void *body, size_t len,
                        const char *content_type);

/* Like lr_response_success but borrows body instead of copying it: body must stay valid
 * until the handler call returns and is not changed before then (e.g. it points into
 * inv->payload or into memory the user pointer owns). */
int lr_response_success_borrowed(struct lr_response *out, const void *body, size_t len,
                                 const char *content_type);

/* Sets a failure response: the Runtime API gets {"errorMessage","errorType","stackTrace":[]}
 * (both strings JSON-escaped; invalid UTF-8 becomes U+FFFD; cut at LR_ERROR_*_MAX) and the
 * header Lambda-Runtime-Function-Error-Type: error_type (bytes outside printable ASCII
 * replaced by '_'). NULL or "" error_type: "Runtime.Unknown"; NULL message: "". Returns 0
 * or LR_ENOMEM. */
int lr_response_failure(struct lr_response *out, const char *error_type, const char *message);

/* The handler: reads inv, sets *out with lr_response_success* or lr_response_failure and
 * returns 0. If it sets nothing, the runtime sends a failure of type Runtime.NoResponse
 * (returned 0) or Runtime.HandlerFailed (returned non-zero); it never crashes on it.
 * user is the pointer given to lr_runtime_run. */
typedef int (*lr_handler_fn)(const struct lr_invocation *inv, struct lr_response *out, void *user);

/* The runtime: one kept-alive HTTP/1.1 connection to the Runtime API for the life of the
 * process (opened by the first request, opened again after a connection error). */
struct lr_runtime;

/* Creates the runtime for endpoint "host:port" (NULL: $AWS_LAMBDA_RUNTIME_API) and reads
 * the log configuration (lr_log_init_from_env). Makes no request. Returns NULL and fills
 * err (may be NULL) when the endpoint is missing/malformed or memory runs out. */
struct lr_runtime *lr_runtime_new(const char *endpoint, struct lr_error *err);

/* Runs the loop: GET /next (no read timeout: the sandbox is frozen between invocations),
 * call handler, POST /response or /error, forever. Sets _X_AMZN_TRACE_ID and the log
 * request id per invocation. Returns only when the function must end, with a negative
 * code and err (may be NULL) filled:
 *   LR_EAPI  the Runtime API answered 500 (or an unexpected status) to /next or a post;
 *   LR_EIO   the Runtime API could not be reached: a connection error is retried
 *            after 50, 100, 200, 400 and 800 ms (6 attempts, ~1.55 s), then given up;
 *   LR_EPROTO an invocation came without a valid request id, with headers too large (a
 *            line over 100 KiB, over 300 KiB in all) or an answer that is not HTTP/1.x
 *            (bad status line, Content-Length or chunk size): it cannot be answered.
 * A 413 (or other 4xx) to a post is logged with the request id and the loop goes on.
 * An invalid deadline header is answered with Runtime.InvalidInvocation, a payload over
 * LR_PAYLOAD_MAX with Runtime.PayloadTooLarge; the handler is not called for either.
 * If the handler crashes (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT; where no other handler
 * is installed), a FATAL record with the request id is logged before the process dies. */
int lr_runtime_run(struct lr_runtime *rt, lr_handler_fn handler, void *user, struct lr_error *err);

/* Reports a failed initialisation (POST /2018-06-01/runtime/init/error, same body and
 * header as lr_response_failure). Call it before lr_runtime_run, then exit non-zero.
 * Returns 0 when the Runtime API accepted it, else a negative code (err filled). */
int lr_runtime_init_error(struct lr_runtime *rt, const char *error_type, const char *message,
                          struct lr_error *err);

/* Closes the connection and frees everything. NULL is a no-op. */
void lr_runtime_free(struct lr_runtime *rt);

/* Convenience main loop: lr_runtime_new(NULL) + lr_runtime_run + lr_runtime_free, logging
 * any error at FATAL. Returns the process exit status: 1 (it only returns on failure). */
int lr_run_handler(lr_handler_fn handler, void *user);

/* "out of memory", "invalid argument", ... for an enum lr_status. */
const char *lr_strerror(int code);

#endif
