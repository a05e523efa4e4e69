/* lr_log: formats log records as Lambda's TEXT or JSON log format and filters them by level.
 *
 * The configuration and the current request id are process-wide because every
 * caller, in the runtime and in the handler, logs to the same stream; they are
 * the runtime's long-lived state, set at start and per invocation. */
#include "lr_log.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#define REQUEST_ID_MAX 160 /* above lr_runtime.h's LR_REQUEST_ID_MAX (128) + NUL */

static enum lr_log_format g_format = LR_LOG_FORMAT_TEXT;
static enum lr_log_level g_min_level = LR_LOG_INFO;
static FILE *g_out = NULL;
static char g_request_id[REQUEST_ID_MAX];

static const char *const level_names[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

const char *lr_log_level_name(enum lr_log_level level)
{
    if ((unsigned)level > LR_LOG_FATAL)
        return "INFO";
    return level_names[level];
}

void lr_log_init_from_env(void)
{
    const char *format = getenv("AWS_LAMBDA_LOG_FORMAT");
    const char *level = getenv("AWS_LAMBDA_LOG_LEVEL");

    g_format =
        (format && strcasecmp(format, "JSON") == 0) ? LR_LOG_FORMAT_JSON : LR_LOG_FORMAT_TEXT;
    g_min_level = LR_LOG_INFO;
    if (level) {
        for (int i = LR_LOG_TRACE; i <= LR_LOG_FATAL; i++) {
            if (strcasecmp(level, level_names[i]) == 0)
                g_min_level = (enum lr_log_level)i;
        }
    }
}

void lr_log_configure(enum lr_log_format format, enum lr_log_level min_level, FILE *out)
{
    g_format = format;
    g_min_level = min_level;
    g_out = out;
}

void lr_log_set_request_id(const char *request_id)
{
    if (!request_id) {
        g_request_id[0] = '\0';
        return;
    }
    size_t n = strnlen(request_id, REQUEST_ID_MAX - 1);
    memcpy(g_request_id, request_id, n);
    g_request_id[n] = '\0';
}

bool lr_log_enabled(enum lr_log_level level)
{
    return level >= g_min_level;
}

struct sink {
    char *out;
    size_t cap;
    size_t len;
};

static void put_bytes(struct sink *s, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s->len + 1 >= s->cap)
            return;
        s->out[s->len++] = p[i];
    }
}

static void put_str(struct sink *s, const char *p)
{
    put_bytes(s, p, strlen(p));
}

/* Escapes for a JSON string (json=true) or for a single TEXT line: quotes and
 * backslashes only matter in JSON, control characters matter in both. UTF-8
 * passes through unchanged. */
static void put_escaped(struct sink *s, const char *p, bool json)
{
    static const char hex[] = "0123456789abcdef";
    for (const unsigned char *c = (const unsigned char *)p; *c; c++) {
        switch (*c) {
        case '\n':
            put_str(s, "\\n");
            continue;
        case '\r':
            put_str(s, "\\r");
            continue;
        case '\t':
            put_str(s, json ? "\\t" : "\t");
            continue;
        case '"':
            put_str(s, json ? "\\\"" : "\"");
            continue;
        case '\\':
            put_str(s, json ? "\\\\" : "\\");
            continue;
        default:
            break;
        }
        if (*c < 0x20 || *c == 0x7f) {
            char esc[6];
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[*c >> 4];
            esc[5] = hex[*c & 0xf];
            put_bytes(s, esc, 6);
            continue;
        }
        put_bytes(s, (const char *)c, 1);
    }
}

static void format_timestamp(char *buf, size_t cap, long long timestamp_ms)
{
    long long ms = timestamp_ms % 1000;
    long long secs_ll = timestamp_ms / 1000;
    if (ms < 0) { /* before 1970: floor, so the milliseconds stay 0..999 */
        ms += 1000;
        secs_ll -= 1;
    }
    time_t secs = (time_t)secs_ll;
    struct tm tm;
    if (!gmtime_r(&secs, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
        snprintf(buf, cap, "%s", "0000-00-00T00:00:00.000Z");
        return;
    }
    snprintf(buf, cap, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
             (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)(tm.tm_mon + 1) % 100u,
             (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u,
             (unsigned)tm.tm_sec % 100u, (unsigned)ms % 1000u);
}

size_t lr_log_format_record(char *out, size_t cap, enum lr_log_format format,
                            enum lr_log_level level, long long timestamp_ms, const char *request_id,
                            const char *message)
{
    struct sink s = {out, cap, 0};
    char ts[64];

    if (cap == 0)
        return 0;
    format_timestamp(ts, sizeof(ts), timestamp_ms);
    if (format == LR_LOG_FORMAT_JSON) {
        put_str(&s, "{\"timestamp\":\"");
        put_str(&s, ts);
        put_str(&s, "\",\"level\":\"");
        put_str(&s, lr_log_level_name(level));
        put_str(&s, "\"");
        if (request_id && *request_id) {
            put_str(&s, ",\"requestId\":\"");
            put_escaped(&s, request_id, true);
            put_str(&s, "\"");
        }
        put_str(&s, ",\"message\":\"");
        put_escaped(&s, message, true);
        put_str(&s, "\"}");
    } else {
        put_str(&s, ts);
        put_str(&s, " ");
        put_str(&s, lr_log_level_name(level));
        if (request_id && *request_id) {
            put_str(&s, " ");
            put_escaped(&s, request_id, false);
        }
        put_str(&s, " ");
        put_escaped(&s, message, false);
    }
    out[s.len] = '\0';
    return s.len;
}

void lr_log_v(enum lr_log_level level, const char *fmt, va_list ap)
{
    char message[LR_LOG_MESSAGE_MAX];
    char record[LR_LOG_MESSAGE_MAX * 2];
    struct timespec now;

    if (!lr_log_enabled(level))
        return;
    int n = vsnprintf(message, sizeof(message), fmt, ap);
    if (n >= (int)sizeof(message))
        memcpy(message + sizeof(message) - 4, "...", 4);
    clock_gettime(CLOCK_REALTIME, &now);
    long long ms = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    size_t len = lr_log_format_record(record, sizeof(record) - 1, g_format, level, ms, g_request_id,
                                      message);
    record[len++] = '\n';
    FILE *out = g_out ? g_out : stderr;
    fwrite(record, 1, len, out);
    fflush(out);
}

void lr_log(enum lr_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lr_log_v(level, fmt, ap);
    va_end(ap);
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "SIGSEGV";
    case SIGBUS:
        return "SIGBUS";
    case SIGILL:
        return "SIGILL";
    case SIGFPE:
        return "SIGFPE";
    case SIGABRT:
        return "SIGABRT";
    default:
        return "signal";
    }
}

void lr_log_fatal_signal(int sig)
{
    /* Static buffers: the stack may be what broke. Formatting uses only
     * lr_log_format_record (no allocation, no locks; gmtime_r takes none in glibc). */
    static char message[96];
    static char record[256 + REQUEST_ID_MAX];
    static const char digits[] = "0123456789";
    struct timespec now;
    size_t n = 0;
    const char *prefix = "the process is dying of signal ";
    const char *name = signal_name(sig);

    for (; prefix[n]; n++)
        message[n] = prefix[n];
    if (sig >= 10)
        message[n++] = digits[(sig / 10) % 10];
    message[n++] = digits[(sig < 0 ? 0 : sig) % 10];
    message[n++] = ' ';
    message[n++] = '(';
    for (size_t i = 0; name[i] && n < sizeof(message) - 2; i++)
        message[n++] = name[i];
    message[n++] = ')';
    message[n] = '\0';
    clock_gettime(CLOCK_REALTIME, &now);
    long long ms = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    size_t len = lr_log_format_record(record, sizeof(record) - 1, g_format, LR_LOG_FATAL, ms,
                                      g_request_id, message);
    record[len++] = '\n';
    int fd = g_out ? fileno(g_out) : STDERR_FILENO; /* records are flushed as written */
    ssize_t w = write(fd, record, len);
    (void)w;
}
