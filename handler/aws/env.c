/* sw_env: environment access for the AWS client (contract in env.h).
 *
 * A seam, not a cache: every call reads the variable again, so a value set after
 * start-up (tests, SnapStart restore) is seen. */
#include "handler/aws/env.h"

#include <stdlib.h>
#include <strings.h>

const char *sw_env_get(const struct sw_env *env, const char *name)
{
    if (env && env->get)
        return env->get(env->ctx, name);
    return getenv(name);
}

const char *sw_env_get_nonempty(const struct sw_env *env, const char *name)
{
    const char *v = sw_env_get(env, name);
    return v && *v ? v : NULL;
}

bool sw_env_get_bool(const struct sw_env *env, const char *name, bool *out)
{
    const char *v = sw_env_get_nonempty(env, name);
    *out = false;
    if (!v)
        return true;
    if (strcasecmp(v, "true") == 0) {
        *out = true;
        return true;
    }
    return strcasecmp(v, "false") == 0;
}
