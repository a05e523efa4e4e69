/* sw_env: how the AWS client reads its environment variables.
 *
 * Endpoint and credential resolution read AWS_* variables through this getter
 * instead of getenv() directly, so tests can hand them a table without touching
 * the process environment. A NULL env (or a NULL get) means the real getenv(). */
#ifndef SW_ENV_H
#define SW_ENV_H

#include <stdbool.h>

struct sw_env {
    const char *(*get)(void *ctx, const char *name); /* NULL when unset */
    void *ctx;
};

/* The value of name, or NULL when unset. env may be NULL (process environment). */
const char *sw_env_get(const struct sw_env *env, const char *name);

/* The value of name when set and non-empty, else NULL (AWS SDKs treat "" as unset). */
const char *sw_env_get_nonempty(const struct sw_env *env, const char *name);

/* Reads a boolean variable: unset or "" -> *out = false; "true"/"false" (any case) -> that;
 * anything else -> returns false (caller reports the variable as invalid). */
bool sw_env_get_bool(const struct sw_env *env, const char *name, bool *out);

#endif
