/* The runtime's own parts, shared by its three files and by nothing outside runtime/:
 * lr_runtime.c (the invocation loop and its lifecycle), lr_http.c (the Runtime API over
 * one kept-alive TCP connection) and lr_response.c (the handler's answer and the growable
 * buffers).
 * The public surface stays lr_runtime.h. */
#ifndef LR_RUNTIME_INTERNAL_H
#define LR_RUNTIME_INTERNAL_H

#include "lr_headers.h"
#include "lr_runtime.h"

#include <stdbool.h>
#include <stddef.h>

#define ENDPOINT_MAX 256u
#define DEFAULT_CONTENT_TYPE "application/json"
#define TARGET_MAX (LR_REQUEST_ID_MAX + 64u)
#define NET_ERR_MAX 160u
/* A request head: "POST <target> HTTP/1.1", Host, Content-Type, the error type, the length. */
#define REQUEST_HEAD_MAX                                                                           \
    (TARGET_MAX + ENDPOINT_MAX + LR_CONTENT_TYPE_MAX + LR_ERROR_TYPE_MAX + 160u)
#define TRACE_ENV "_X_AMZN_TRACE_ID"
#define TRACE_ENV_PREFIX TRACE_ENV "="

/* A growable byte buffer, NUL-terminated once allocated; callers check their LR_*_MAX first. */
struct bytes {
    char *data;
    size_t len;
    size_t cap;
};

enum response_kind { RESPONSE_NONE = 0, RESPONSE_SUCCESS, RESPONSE_FAILURE };

struct lr_response {
    enum response_kind kind;
    const char *body; /* success: own.data or a borrowed pointer */
    size_t body_len;
    struct bytes own; /* copied success body, or the failure message */
    char content_type[LR_CONTENT_TYPE_MAX + 1];
    char error_type[LR_ERROR_TYPE_MAX + 1];
    size_t error_type_len;
};

struct lr_runtime {
    /* The connection (lr_http.c): -1 when there is none; the next request opens one. */
    int fd;
    char host[ENDPOINT_MAX + 1]; /* from the endpoint, for getaddrinfo */
    char port[8];
    char endpoint[ENDPOINT_MAX + 1];      /* the Host header's value */
    char next_request[ENDPOINT_MAX + 96]; /* "GET .../invocation/next HTTP/1.1", once */
    size_t next_request_len;
    char head[REQUEST_HEAD_MAX]; /* a post's request head, rebuilt per post */
    char target[TARGET_MAX];     /* "/2018-06-01/runtime/invocation/<id>/response" */
    char net_err[NET_ERR_MAX];   /* why the last attempt failed, for the log */
    bool got_bytes;              /* the current attempt received something */
    struct bytes in;             /* received, not yet consumed: in.data[in_pos..in.len) */
    size_t in_pos;

    /* The answer being received. */
    struct bytes payload;
    bool payload_too_large;
    bool discard_body;          /* a post's answer body: read and dropped */
    char *values[LR_HDR_COUNT]; /* one block, LR_HEADER_VALUE_MAX + 1 bytes per header */
    size_t value_len[LR_HDR_COUNT];
    bool value_cut[LR_HDR_COUNT];

    struct lr_invocation inv;
    struct lr_response resp;
    struct bytes error_body;

    /* "_X_AMZN_TRACE_ID=<id>", handed to putenv and rewritten in place per invocation:
     * setenv would keep every past value (glibc never frees them), a leak per invocation. */
    char trace_env[sizeof(TRACE_ENV_PREFIX) + LR_HEADER_VALUE_MAX];
};

/* Fills err (when not NULL) and returns code. */
int lr_fail(struct lr_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Buffers (lr_response.c): room for want bytes plus the NUL; a copy; release of a buffer
 * grown past the keep limit; release. Return 0 or LR_ENOMEM. */
int lr_bytes_reserve(struct bytes *b, size_t want);
int lr_bytes_set(struct bytes *b, const void *data, size_t len);
void lr_bytes_trim(struct bytes *b);
void lr_bytes_free(struct bytes *b);
/* Empties the answer for the next invocation, keeping its buffer (lr_response.c). */
void lr_response_reset(struct lr_response *r);

/* The transport (lr_http.c), each request with the connection retries of lr_runtime.h
 * (status: the HTTP status of the answer):
 * lr_http_setup   the endpoint (checked by the caller) split into host and port, and the
 *                 /next request, once; LR_EINVAL when the endpoint is not host:port;
 * lr_http_next    GET /invocation/next into rt->payload and rt->values;
 * lr_http_post    POST body to rt->target, the answer's body read and dropped;
 * lr_http_close   closes the connection (the next request opens a new one). */
int lr_http_setup(struct lr_runtime *rt, const char *endpoint);
int lr_http_next(struct lr_runtime *rt, long *status, struct lr_error *err);
int lr_http_post(struct lr_runtime *rt, const char *what, const char *body, size_t len,
                 const char *content_type, const char *error_type, long *status,
                 struct lr_error *err);
void lr_http_close(struct lr_runtime *rt);

#endif
