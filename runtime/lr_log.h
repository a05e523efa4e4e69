/* lr_log: the one logging API of the runtime and of any handler built on it.
 *
 * Lambda sends stdout/stderr to CloudWatch Logs. This formats each record as
 * AWS_LAMBDA_LOG_FORMAT asks (TEXT: a readable line; JSON: one object per line
 * with timestamp, level, requestId, message) and drops records below
 * AWS_LAMBDA_LOG_LEVEL. It never decides what is secret: callers must not pass
 * credentials, tokens, signatures or payloads above DEBUG. */
#ifndef LR_LOG_H
#define LR_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum lr_log_level {
    LR_LOG_TRACE = 0,
    LR_LOG_DEBUG,
    LR_LOG_INFO,
    LR_LOG_WARN,
    LR_LOG_ERROR,
    LR_LOG_FATAL,
};

enum lr_log_format {
    LR_LOG_FORMAT_TEXT = 0,
    LR_LOG_FORMAT_JSON,
};

/* Longest message kept; longer ones are cut (with "...") so that one record is one line. */
#define LR_LOG_MESSAGE_MAX 8192

/* Reads AWS_LAMBDA_LOG_FORMAT and AWS_LAMBDA_LOG_LEVEL (case-insensitive; unknown values
 * fall back to TEXT / INFO). Called by lr_runtime_new; safe to call again. */
void lr_log_init_from_env(void);

/* Overrides what lr_log_init_from_env read (tests, tools). */
void lr_log_configure(enum lr_log_format format, enum lr_log_level min_level, FILE *out);

/* Sets the request id stamped on each record; NULL outside an invocation. The string is copied. */
void lr_log_set_request_id(const char *request_id);

/* True when a record at this level would be written: guard expensive formatting with it. */
bool lr_log_enabled(enum lr_log_level level);

/* Writes one record. Control characters in the message are escaped, so an event field
 * can never forge a second log line. */
void lr_log(enum lr_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lr_log_v(enum lr_log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Writes one record whose JSON form also carries fields' members beside timestamp, level,
 * requestId and message (fields: one compact JSON object on one line, made by a JSON library,
 * without those four keys); the TEXT form is the message and the object on one line. fields
 * that are not such an object, or would not fit, are left out. */
void lr_log_fields(enum lr_log_level level, const char *message, const char *fields);

/* Formats one record into out (always NUL-terminated, at most cap bytes) without writing it.
 * timestamp_ms is Unix epoch milliseconds. Returns the length written. For unit tests. */
size_t lr_log_format_record(char *out, size_t cap, enum lr_log_format format,
                            enum lr_log_level level, long long timestamp_ms, const char *request_id,
                            const char *message);

/* Writes a FATAL record "the process is dying of signal <sig> (<name>)" with the current
 * request id, with one write(2) from static memory (no allocation, no stdio), so that a
 * fatal-signal handler may call it. The runtime calls it when a handler crashes. */
void lr_log_fatal_signal(int sig);

/* "TRACE", "DEBUG", ... */
const char *lr_log_level_name(enum lr_log_level level);

#endif
