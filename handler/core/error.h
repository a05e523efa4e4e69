/* sw_error: how every scanwarden function reports failure.
 *
 * Actions return 0 or a negative SW_E* code and fill a caller-owned struct
 * sw_error with a message a user can act on ("REMEDIATION_MODE: \"enfoce\" is
 * not enforce, dry-run or off"). Codes are never renumbered. */
#ifndef SW_ERROR_H
#define SW_ERROR_H

#define SW_ERROR_MSG_MAX 512

enum sw_status {
    SW_OK = 0,
    SW_ENOMEM = -1,    /* an allocation failed */
    SW_EINVAL = -2,    /* bad input: event, configuration, argument */
    SW_ELIMIT = -3,    /* input larger than its named limit */
    SW_EPARSE = -4,    /* malformed JSON/XML/HTTP */
    SW_EIO = -5,       /* transport failure: connect, reset, timeout */
    SW_EAWS = -6,      /* AWS answered with an error (see the AWS error struct) */
    SW_ECREDS = -7,    /* no usable credentials */
    SW_ETIMEOUT = -8,  /* the invocation deadline or a request timeout was reached */
    SW_ECONFIG = -9,   /* invalid configuration (environment variables) */
    SW_EINTERNAL = -10 /* a bug: should never happen */
};

struct sw_error {
    int code;                   /* one of enum sw_status */
    char msg[SW_ERROR_MSG_MAX]; /* human-readable, never holds a secret */
};

/* Sets err (if not NULL) and returns code, so callers can `return sw_error_set(err, ...)`. */
int sw_error_set(struct sw_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes err->msg with context ("ecr:PutRegistryScanningConfiguration: ..."). Returns err->code.
 */
int sw_error_wrap(struct sw_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void sw_error_clear(struct sw_error *err);

/* Static description of a code: "out of memory", "invalid input", ... */
const char *sw_strerror(int code);

#endif
