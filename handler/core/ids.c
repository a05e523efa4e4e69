/* sw_ids: account id, region and ECR repository filter syntax (see ids.h). */
#include "handler/core/ids.h"

#include <string.h>

bool sw_account_id_valid(const char *s, size_t len)
{
    if (s == NULL || len != SW_ACCOUNT_ID_LEN)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

/* [a-z]{2}(-[a-z]+)+-[0-9]{1,2}: us-east-1, us-gov-west-1, cn-north-1, ap-southeast-5. */
bool sw_region_valid(const char *s, size_t len)
{
    if (s == NULL || len < 6 || len > SW_REGION_NAME_MAX)
        return false;
    if (!(s[0] >= 'a' && s[0] <= 'z') || !(s[1] >= 'a' && s[1] <= 'z') || s[2] != '-')
        return false;
    size_t i = 3;
    size_t words = 0;
    for (;;) {
        size_t start = i;
        while (i < len && s[i] >= 'a' && s[i] <= 'z')
            i++;
        if (i == start || i >= len || s[i] != '-')
            break;
        words++;
        i++; /* '-' */
    }
    if (words == 0)
        return false;
    size_t digits = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        i++;
        digits++;
    }
    return i == len && digits >= 1 && digits <= 2;
}

bool sw_account_id_ok(const char *s)
{
    return s != NULL && sw_account_id_valid(s, strnlen(s, SW_ACCOUNT_ID_LEN + 1));
}

bool sw_region_ok(const char *s)
{
    return s != NULL && sw_region_valid(s, strnlen(s, SW_REGION_NAME_MAX + 1));
}

static bool filter_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '*';
}

static bool filter_separator(unsigned char c)
{
    return c == '.' || c == '_' || c == '-' || c == '/';
}

/* ^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$ is exactly: characters from [a-z0-9*._-/],
 * first and last from [a-z0-9*], and no two separators in a row. */
bool sw_repository_filter_ok(const char *s)
{
    if (!s)
        return false;
    size_t len = strnlen(s, SW_REPOSITORY_FILTER_LEN_MAX + 1);
    if (len == 0 || len > SW_REPOSITORY_FILTER_LEN_MAX)
        return false;
    if (!filter_alnum((unsigned char)s[0]) || !filter_alnum((unsigned char)s[len - 1]))
        return false;
    for (size_t i = 1; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (filter_alnum(c))
            continue;
        if (!filter_separator(c) || filter_separator((unsigned char)s[i - 1]))
            return false;
    }
    return true;
}
