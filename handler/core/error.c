/* sw_error: status codes, their names, and filling the caller's error struct. */
#include "handler/core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int sw_error_set(struct sw_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    err->code = code;
    return code;
}

int sw_error_wrap(struct sw_error *err, const char *fmt, ...)
{
    char joined[SW_ERROR_MSG_MAX];

    if (!err)
        return SW_EINTERNAL;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(joined, sizeof(joined), fmt, ap);
    va_end(ap);
    if (n < 0)
        return err->code;
    size_t used = strnlen(joined, sizeof(joined) - 1);
    size_t room = sizeof(joined) - 1 - used;
    size_t msg_len = strnlen(err->msg, sizeof(err->msg));
    if (room >= 2) {
        memcpy(joined + used, ": ", 2);
        used += 2;
        room -= 2;
        size_t take = msg_len < room ? msg_len : room;
        memcpy(joined + used, err->msg, take);
        used += take;
    }
    joined[used] = '\0';
    memcpy(err->msg, joined, used + 1);
    return err->code;
}

void sw_error_clear(struct sw_error *err)
{
    if (!err)
        return;
    err->code = SW_OK;
    err->msg[0] = '\0';
}

const char *sw_strerror(int code)
{
    switch (code) {
    case SW_OK:
        return "success";
    case SW_ENOMEM:
        return "out of memory";
    case SW_EINVAL:
        return "invalid input";
    case SW_ELIMIT:
        return "input exceeds its limit";
    case SW_EPARSE:
        return "malformed data";
    case SW_EIO:
        return "transport failure";
    case SW_EAWS:
        return "AWS returned an error";
    case SW_ECREDS:
        return "no usable AWS credentials";
    case SW_ETIMEOUT:
        return "timed out";
    case SW_ECONFIG:
        return "invalid configuration";
    case SW_EINTERNAL:
        return "internal error";
    default:
        return "unknown error";
    }
}
