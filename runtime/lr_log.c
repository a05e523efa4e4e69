/* lr_log: formats log records as Lambda's TEXT or JSON log format and filters them by level.
 *
 * The configuration and the current request id are process-wide because every
 * caller, in the runtime and in the handler, logs to the same stream; they are
 * the runtime's long-lived state, set at start and per invocation. */
#include "lr_log.h"

#include "lr_json.h"

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

/* One unit of the text (a character, or one maximal invalid UTF-8 subsequence) as it goes
 * into a record, written into out (at most 8 bytes); returns its length and sets *used to the
 * bytes of p it stands for. Control characters are escaped in both formats (C0, DEL, the C1
 * controls U+0080..U+009F and the line/paragraph separators U+2028/U+2029, which viewers and
 * JavaScript treat as line breaks), so no field can start a forged line; quotes and
 * backslashes only matter in JSON; invalid UTF-8 becomes U+FFFD. */
static size_t escape_unit(const char *p, size_t len, bool json, char out[8], size_t *used)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)p;
    unsigned cp;

    *used = 1;
    if (u[0] < 0x80) {
        switch (u[0]) {
        case '\n':
            memcpy(out, "\\n", 2);
            return 2;
        case '\r':
            memcpy(out, "\\r", 2);
            return 2;
        case '\t':
            memcpy(out, json ? "\\t" : "\t", json ? 2 : 1);
            return json ? 2 : 1;
        case '"':
        case '\\':
            if (!json)
                break; /* printable in a TEXT line */
            out[0] = '\\';
            out[1] = (char)u[0];
            return 2;
        default:
            break;
        }
        if (u[0] >= 0x20 && u[0] != 0x7f) {
            out[0] = (char)u[0];
            return 1;
        }
        cp = u[0];
    } else {
        long n = lr_utf8_seq(p, len);
        if (n < 0) {
            *used = (size_t)-n;
            memcpy(out, json ? "\\ufffd" : "\xef\xbf\xbd", json ? 6 : 3);
            return json ? 6 : 3;
        }
        *used = (size_t)n;
        cp = n == 2   ? (u[0] & 0x1fu) << 6 | (u[1] & 0x3fu)
             : n == 3 ? (u[0] & 0x0fu) << 12 | (u[1] & 0x3fu) << 6 | (u[2] & 0x3fu)
                      : 0x10000u; /* 4-byte characters are never controls */
        if (!(cp <= 0x9f || cp == 0x2028 || cp == 0x2029)) {
            memcpy(out, p, (size_t)n);
            return (size_t)n;
        }
    }
    char esc[6] = {'\\',         'u', hex[cp >> 12 & 0xf], hex[cp >> 8 & 0xf], hex[cp >> 4 & 0xf],
                   hex[cp & 0xf]};
    memcpy(out, esc, sizeof(esc));
    return sizeof(esc);
}

/* Appends p escaped for a JSON string (json=true) or a TEXT line, unit by unit, while
 * `reserve` bytes stay free after it (for what closes the record). Cutting before escaping
 * keeps every character whole and every escape complete. Returns false when p was cut. */
static bool put_escaped(struct sink *s, const char *p, bool json, size_t reserve)
{
    size_t len = strlen(p);
    for (size_t i = 0; i < len;) {
        char unit[8];
        size_t used;
        size_t n = escape_unit(p + i, len - i, json, unit, &used);
        if (s->len + n + reserve >= s->cap)
            return false;
        memcpy(s->out + s->len, unit, n);
        s->len += n;
        i += used;
    }
    return true;
}

#define CUT_MARK "..."
#define JSON_CLOSE "\"}"
#define JSON_MESSAGE_KEY ",\"message\":\""

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
        /* What must follow the request id: the message key, the cut mark and the close. */
        const size_t after_id = 1 + strlen(JSON_MESSAGE_KEY) + strlen(CUT_MARK JSON_CLOSE);
        put_str(&s, "{\"timestamp\":\"");
        put_str(&s, ts);
        put_str(&s, "\",\"level\":\"");
        put_str(&s, lr_log_level_name(level));
        put_str(&s, "\"");
        if (request_id && *request_id) {
            put_str(&s, ",\"requestId\":\"");
            put_escaped(&s, request_id, true, after_id);
            put_str(&s, "\"");
        }
        put_str(&s, JSON_MESSAGE_KEY);
        if (!put_escaped(&s, message, true, strlen(CUT_MARK JSON_CLOSE)))
            put_str(&s, CUT_MARK);
        put_str(&s, JSON_CLOSE);
    } else {
        put_str(&s, ts);
        put_str(&s, " ");
        put_str(&s, lr_log_level_name(level));
        if (request_id && *request_id) {
            put_str(&s, " ");
            put_escaped(&s, request_id, false, 1 + strlen(CUT_MARK));
        }
        put_str(&s, " ");
        if (!put_escaped(&s, message, false, strlen(CUT_MARK)))
            put_str(&s, CUT_MARK);
    }
    out[s.len] = '\0';
    return s.len;
}

void lr_log_fields(enum lr_log_level level, const char *message, const char *fields)
{
    char record[LR_LOG_MESSAGE_MAX * 2];
    struct timespec now;

    if (!lr_log_enabled(level))
        return;
    clock_gettime(CLOCK_REALTIME, &now);
    long long ms = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    size_t len = lr_log_format_record(record, sizeof(record) - 1, g_format, level, ms, g_request_id,
                                      message);
    size_t flen = fields ? strlen(fields) : 0;
    bool object = flen > 2 && fields[0] == '{' && fields[flen - 1] == '}' &&
                  strchr(fields, '\n') == NULL && strchr(fields, '\r') == NULL;
    if (object && len + flen + 1 < sizeof(record) - 1) {
        if (g_format == LR_LOG_FORMAT_JSON) {
            record[len - 1] = ','; /* the record's closing brace: the members follow */
            memcpy(record + len, fields + 1, flen - 1);
            len += flen - 1;
        } else {
            record[len++] = ' ';
            memcpy(record + len, fields, flen);
            len += flen;
        }
    }
    record[len++] = '\n';
    FILE *out = g_out ? g_out : stderr;
    fwrite(record, 1, len, out);
    fflush(out);
}

void lr_log_v(enum lr_log_level level, const char *fmt, va_list ap)
{
    char message[LR_LOG_MESSAGE_MAX];
    char record[LR_LOG_MESSAGE_MAX * 2];
    struct timespec now;

    if (!lr_log_enabled(level))
        return;
    int n = vsnprintf(message, sizeof(message), fmt, ap);
    if (n >= (int)sizeof(message)) { /* cut, on a character boundary */
        size_t keep = lr_utf8_prefix(message, sizeof(message) - 1, sizeof(message) - 4);
        memcpy(message + keep, CUT_MARK, sizeof(CUT_MARK));
    }
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
