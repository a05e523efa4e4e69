/* lr_error: the runtime's error values. lr_fail fills a caller's struct lr_error (the
 * message a user can act on) and returns the code; lr_strerror names each code. Kept apart
 * from the loop (lr_runtime.c) and the transfers (lr_http.c) so both use it and neither
 * depends on the other for it. */
#include "lr_runtime.h"

#include "lr_runtime_internal.h"

#include <stdarg.h>
#include <stdio.h>

int lr_fail(struct lr_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
    }
    return code;
}

const char *lr_strerror(int code)
{
    switch (code) {
    case LR_OK:
        return "success";
    case LR_ENOMEM:
        return "out of memory";
    case LR_EINVAL:
        return "invalid argument";
    case LR_ELIMIT:
        return "value over its limit";
    case LR_EPROTO:
        return "Runtime API protocol error";
    case LR_EIO:
        return "Runtime API unreachable";
    case LR_EAPI:
        return "Runtime API asked the runtime to exit";
    default:
        return "unknown error";
    }
}
