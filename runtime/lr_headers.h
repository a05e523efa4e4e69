/* lr_headers: pure parsing and checking of the Runtime API's HTTP answers (library-internal).
 *
 * lr_http.c hands each raw line here (status line, header lines, chunk sizes), so that
 * the decisions (which header is it, is the request id safe to put in a URL path, is
 * the deadline a number, how is the body framed) are plain functions the unit tests and
 * the fuzz target call without a network.
 * Not part of the public API (that is lr_runtime.h). */
#ifndef LR_HEADERS_H
#define LR_HEADERS_H

#include <stdbool.h>
#include <stddef.h>

/* The headers of a GET /next answer that the runtime keeps. */
enum lr_header {
    LR_HDR_UNKNOWN = -1,
    LR_HDR_REQUEST_ID = 0,    /* Lambda-Runtime-Aws-Request-Id */
    LR_HDR_DEADLINE,          /* Lambda-Runtime-Deadline-Ms */
    LR_HDR_FUNCTION_ARN,      /* Lambda-Runtime-Invoked-Function-Arn */
    LR_HDR_TRACE_ID,          /* Lambda-Runtime-Trace-Id */
    LR_HDR_CLIENT_CONTEXT,    /* Lambda-Runtime-Client-Context */
    LR_HDR_COGNITO,           /* Lambda-Runtime-Cognito-Identity */
    LR_HDR_TENANT_ID,         /* Lambda-Runtime-Aws-Tenant-Id */
    LR_HDR_CONTENT_TYPE,      /* Content-Type */
    LR_HDR_CONTENT_LENGTH,    /* Content-Length (framing: read by lr_http.c, not kept) */
    LR_HDR_TRANSFER_ENCODING, /* Transfer-Encoding (framing) */
    LR_HDR_CONNECTION,        /* Connection (framing: "close") */
    LR_HDR_COUNT
};

/* Splits one raw header line ("Name: value\r\n") into which header it is (names are
 * case-insensitive) and its value with surrounding blanks and CR/LF removed (a view into
 * line). Returns LR_HDR_UNKNOWN for other headers, the status line and malformed lines. */
enum lr_header lr_header_parse(const char *line, size_t len, const char **value, size_t *value_len);

/* True for a request id that is safe to put in a URL path: 1..max_len bytes of
 * [A-Za-z0-9._-], starting with a letter or digit. */
bool lr_request_id_valid(const char *id, size_t len, size_t max_len);

/* Parses a deadline (decimal epoch milliseconds, 1..19 digits, nothing else) into *out.
 * Returns false (and leaves *out alone) for anything else, including overflow. */
bool lr_deadline_parse(const char *s, size_t len, long long *out);

/* Parses a Content-Length value; false when it is not a plain decimal number. */
bool lr_content_length_parse(const char *s, size_t len, unsigned long long *out);

/* True when every byte of s is printable ASCII or a space (0x20..0x7e): safe in a header. */
bool lr_header_value_safe(const char *s, size_t len);

/* Copies at most cap-1 bytes of s into out (NUL-terminated) with each byte outside
 * 0x21..0x7e replaced by '_' (an error type in a header cannot break the request).
 * Returns the length written. */
size_t lr_header_token_copy(char *out, size_t cap, const char *s);

/* Parses an HTTP/1.x status line ("HTTP/1.1 200 OK\r\n"): *minor the x of HTTP/1.x, *status
 * the three-digit code. False for anything else (another version, no code, junk). */
bool lr_status_line_parse(const char *line, size_t len, int *minor, int *status);

/* Parses a chunk-size line of a chunked body ("1a2b\r\n", "0;ext=1\r\n"): hexadecimal,
 * at most 15 digits, then optional blanks and ";extensions". False for anything else. */
bool lr_chunk_size_parse(const char *line, size_t len, unsigned long long *size);

/* True when a Transfer-Encoding value ends with the "chunked" coding (case-insensitive). */
bool lr_transfer_chunked(const char *value, size_t len);

/* True when a Connection value lists the "close" option (case-insensitive). */
bool lr_connection_close(const char *value, size_t len);

/* Splits an endpoint "host:port", "[v6]:port" or "host" (port 80) into host and port
 * (NUL-terminated, within host_cap / port_cap). False for an empty host, a port that is
 * not 1..65535, an unclosed '[' or a part that does not fit. */
bool lr_endpoint_split(const char *endpoint, char *host, size_t host_cap, char *port,
                       size_t port_cap);

/* deadline_ms - now_ms, saturating instead of overflowing. */
long long lr_remaining_ms(long long deadline_ms, long long now_ms);

#endif
