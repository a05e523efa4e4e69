/* sw_cfg: reads the environment variables of docs/contract.md §3 and §8 once, at start.
 *
 * Every value is trimmed and matched case-insensitively against its allowed names; a
 * bad one stops initialisation with a message that quotes it (sanitised and shortened,
 * so a stray control character or a huge value cannot garble the init error) and lists
 * what would be accepted. Nothing here allocates. */
#include "handler/parse/config.h"

#include "handler/core/ids.h"

#include "handler/core/text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUOTE_MAX 64 /* bytes of a bad value quoted back in a message */

static const char *const severity_names[SW_SEVERITY_COUNT] = {
    "UNTRIAGED", "INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
static const char *const scope_names[] = {"account", "organization"};
static const char *const chat_names[] = {"none", "chatbot"};
static const char *const switch_names[] = {"off", "on"};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static bool is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

static void trim(const char **s, size_t *len)
{
    while (*len > 0 && is_blank((unsigned char)(*s)[0])) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && is_blank((unsigned char)(*s)[*len - 1]))
        (*len)--;
}

static bool eq_nocase(const char *s, size_t len, const char *name)
{
    size_t n = strlen(name);
    if (n != len)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (lower((unsigned char)s[i]) != lower((unsigned char)name[i]))
            return false;
    }
    return true;
}

/* Index of s among names (trimmed, case-insensitive, from index `first`), or -1. */
static int lookup_name(const char *s, size_t len, const char *const *names, size_t count,
                       size_t first)
{
    trim(&s, &len);
    for (size_t i = first; i < count; i++) {
        if (eq_nocase(s, len, names[i]))
            return (int)i;
    }
    return -1;
}

const char *sw_severity_name(enum sw_severity s)
{
    if (s == SW_SEVERITY_NONE)
        return "NONE";
    if ((int)s < 0 || (int)s >= SW_SEVERITY_COUNT)
        return "UNKNOWN";
    return severity_names[s];
}

const char *sw_scope_name(enum sw_scope s)
{
    return (unsigned)s < COUNT_OF(scope_names) ? scope_names[s] : "UNKNOWN";
}

const char *sw_chat_format_name(enum sw_chat_format c)
{
    return (unsigned)c < COUNT_OF(chat_names) ? chat_names[c] : "UNKNOWN";
}

bool sw_severity_parse(const char *s, size_t len, enum sw_severity *out)
{
    int i = lookup_name(s, len, severity_names, COUNT_OF(severity_names), 0);
    if (i < 0)
        return false;
    *out = (enum sw_severity)i;
    return true;
}

bool sw_mode_parse(const char *s, size_t len, enum sw_mode *out)
{
    int i = lookup_name(s, len, sw_mode_names, SW_MODE_COUNT, 0);
    if (i < 0)
        return false;
    *out = (enum sw_mode)i;
    return true;
}

/* Writes a printable, shortened copy of a bad value for an error message: control
 * characters, quotes and backslashes become '?', and past QUOTE_MAX bytes it is cut on a
 * UTF-8 boundary with "...". cap must be at least QUOTE_MAX + 4. */
static void quote_value(const char *s, size_t len, char *out, size_t cap)
{
    size_t keep = len;
    if (len > QUOTE_MAX)
        keep = sw_text_utf8_prefix(s, len, QUOTE_MAX);
    if (keep + 4 > cap)
        keep = 0;
    for (size_t i = 0; i < keep; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = (c < 0x20 || c == 0x7f || c == '"' || c == '\\') ? '?' : (char)c;
    }
    if (keep < len) {
        memcpy(out + keep, "...", 3);
        keep += 3;
    }
    out[keep] = '\0';
}

static int bad_value(struct sw_error *err, const char *var, const char *s, size_t len,
                     const char *allowed)
{
    char q[QUOTE_MAX + 8];
    quote_value(s, len, q, sizeof(q));
    return sw_error_set(err, SW_ECONFIG, "%s: \"%s\" is not one of %s", var, q, allowed);
}

/* "a, b, c" from a name table. */
static void join_names(const char *const *names, size_t first, size_t count, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = first; i < count; i++) {
        size_t n = strlen(names[i]);
        if (o + n + 3 >= cap)
            break;
        if (i > first) {
            memcpy(out + o, ", ", 2);
            o += 2;
        }
        memcpy(out + o, names[i], n);
        o += n;
        out[o] = '\0';
    }
}

/* The value of name, trimmed; *len 0 (and NULL) when unset or blank. */
static const char *get_value(sw_cfg_lookup_fn lookup, void *ctx, const char *name, size_t *len)
{
    const char *v = lookup(ctx, name);
    if (!v) {
        *len = 0;
        return NULL;
    }
    size_t n = strnlen(v, SW_CFG_VALUE_MAX + 1);
    trim(&v, &n);
    *len = n;
    return n ? v : NULL;
}

static int load_enum(sw_cfg_lookup_fn lookup, void *ctx, const char *var, const char *const *names,
                     size_t first, size_t count, const char *allowed, int *out,
                     struct sw_error *err)
{
    size_t len;
    const char *v = get_value(lookup, ctx, var, &len);
    if (!v)
        return 0; /* default kept */
    int i = len <= SW_CFG_VALUE_MAX ? lookup_name(v, len, names, count, first) : -1;
    if (i < 0) {
        char joined[256];
        if (!allowed) {
            join_names(names, first, count, joined, sizeof(joined));
            allowed = joined;
        }
        return bad_value(err, var, v, len, allowed);
    }
    *out = i;
    return 0;
}

static bool all_digits(const char *s, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

static bool copy_field(char *dst, size_t cap, const char *s, size_t len)
{
    if (len >= cap)
        return false;
    memcpy(dst, s, len);
    dst[len] = '\0';
    return true;
}

/* The topic name: 1-256 of [A-Za-z0-9_-], a FIFO topic ending in ".fifo". */
static bool topic_name_valid(const char *s, size_t len)
{
    if (len >= 5 && memcmp(s + len - 5, ".fifo", 5) == 0)
        len -= 5;
    if (len < 1 || len > SW_CFG_TOPIC_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

#define ARN_SHAPE "arn:<partition>:sns:<region>:<12-digit account>:<topic name>"

static int load_topic_arn(struct sw_config *cfg, sw_cfg_lookup_fn lookup, void *ctx,
                          struct sw_error *err)
{
    size_t len;
    const char *v = get_value(lookup, ctx, "SNS_TOPIC_ARN", &len);
    if (!v)
        return sw_error_set(err, SW_ECONFIG,
                            "SNS_TOPIC_ARN: is required (the SNS topic that receives "
                            "notifications, " ARN_SHAPE ")");
    char q[QUOTE_MAX + 8];
    quote_value(v, len, q, sizeof(q));
    if (len > SW_CFG_ARN_MAX)
        return sw_error_set(err, SW_ECONFIG, "SNS_TOPIC_ARN: \"%s\" is longer than %d bytes", q,
                            SW_CFG_ARN_MAX);

    /* Split into exactly six ':'-separated parts. */
    const char *part[6];
    size_t plen[6];
    size_t n = 0;
    const char *p = v;
    const char *end = v + len;
    while (n < 6) {
        const char *colon = n < 5 ? memchr(p, ':', (size_t)(end - p)) : NULL;
        const char *stop = colon ? colon : end;
        part[n] = p;
        plen[n] = (size_t)(stop - p);
        n++;
        if (!colon)
            break;
        p = colon + 1;
    }
    if (n != 6 || plen[0] != 3 || memcmp(part[0], "arn", 3) != 0 || plen[2] != 3 ||
        memcmp(part[2], "sns", 3) != 0)
        return sw_error_set(err, SW_ECONFIG, "SNS_TOPIC_ARN: \"%s\" is not an SNS topic ARN (%s)",
                            q, ARN_SHAPE);
    const char *partition = NULL;
    static const char *const partitions[] = {"aws", "aws-cn", "aws-us-gov"};
    for (size_t i = 0; i < COUNT_OF(partitions); i++) {
        if (plen[1] == strlen(partitions[i]) && memcmp(part[1], partitions[i], plen[1]) == 0)
            partition = partitions[i];
    }
    if (!partition)
        return sw_error_set(err, SW_ECONFIG,
                            "SNS_TOPIC_ARN: \"%s\" has a partition that is not one of aws, "
                            "aws-cn, aws-us-gov",
                            q);
    if (!sw_region_valid(part[3], plen[3]))
        return sw_error_set(err, SW_ECONFIG,
                            "SNS_TOPIC_ARN: \"%s\" has no valid region (such as us-east-1) in "
                            "its fourth field (%s)",
                            q, ARN_SHAPE);
    bool cn = plen[3] > 3 && memcmp(part[3], "cn-", 3) == 0;
    bool gov = plen[3] > 7 && memcmp(part[3], "us-gov-", 7) == 0;
    if ((strcmp(partition, "aws-cn") == 0) != cn || (strcmp(partition, "aws-us-gov") == 0) != gov)
        return sw_error_set(err, SW_ECONFIG,
                            "SNS_TOPIC_ARN: \"%s\": region %.*s is not in partition %s", q,
                            (int)plen[3], part[3], partition);
    if (!sw_account_id_valid(part[4], plen[4]))
        return sw_error_set(err, SW_ECONFIG,
                            "SNS_TOPIC_ARN: \"%s\" has no 12-digit account id in its fifth field "
                            "(%s)",
                            q, ARN_SHAPE);
    if (!topic_name_valid(part[5], plen[5]))
        return sw_error_set(err, SW_ECONFIG,
                            "SNS_TOPIC_ARN: \"%s\" has an invalid topic name (1-256 letters, "
                            "digits, '-' or '_', optionally ending in .fifo)",
                            q);
    copy_field(cfg->sns_topic_arn, sizeof(cfg->sns_topic_arn), v, len);
    copy_field(cfg->sns_partition, sizeof(cfg->sns_partition), partition, strlen(partition));
    copy_field(cfg->sns_region, sizeof(cfg->sns_region), part[3], plen[3]);
    copy_field(cfg->sns_account, sizeof(cfg->sns_account), part[4], plen[4]);
    return 0;
}

/* A comma-separated list of ECR wildcard filters in variable name into filters[0..*count),
 * lower-cased, validated, duplicates dropped; *count is 0 when the variable is unset. */
static int load_filter_list(const char *name, char (*filters)[SW_CFG_FILTER_MAX + 1], size_t *count,
                            sw_cfg_lookup_fn lookup, void *ctx, struct sw_error *err)
{
    size_t len;
    const char *v = get_value(lookup, ctx, name, &len);
    *count = 0;
    if (!v)
        return 0;
    const char *p = v;
    const char *end = v + len;
    size_t item = 0;
    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        const char *s = p;
        size_t n = (size_t)(stop - p);
        char q[QUOTE_MAX + 8];
        char low[SW_CFG_FILTER_MAX + 1];
        item++;
        trim(&s, &n);
        quote_value(s, n, q, sizeof(q));
        if (n == 0)
            return sw_error_set(err, SW_ECONFIG,
                                "%s: item %zu is empty; give comma-separated ECR "
                                "wildcard filters such as \"*\" or \"prod-*,team/app\"",
                                name, item);
        if (n > SW_CFG_FILTER_MAX)
            return sw_error_set(err, SW_ECONFIG, "%s: \"%s\" is longer than %d characters", name, q,
                                SW_CFG_FILTER_MAX);
        for (size_t i = 0; i < n; i++)
            low[i] = (char)lower((unsigned char)s[i]);
        low[n] = '\0';
        if (!sw_repository_filter_ok(low))
            return sw_error_set(err, SW_ECONFIG,
                                "%s: \"%s\" is not a valid ECR wildcard filter "
                                "(letters, digits and '*', separated by single '.', '_', '-' or "
                                "'/', not starting or ending with a separator)",
                                name, q);
        bool dup = false;
        for (size_t i = 0; i < *count; i++) {
            if (strcmp(filters[i], low) == 0)
                dup = true;
        }
        if (!dup) {
            if (*count >= SW_CFG_FILTERS_MAX)
                return sw_error_set(err, SW_ECONFIG,
                                    "%s: more than %d filters (ECR allows at most %d per "
                                    "scanning rule)",
                                    name, SW_CFG_FILTERS_MAX, SW_CFG_FILTERS_MAX);
            memcpy(filters[(*count)++], low, n + 1);
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

static int load_filters(struct sw_config *cfg, sw_cfg_lookup_fn lookup, void *ctx,
                        struct sw_error *err)
{
    int rc = load_filter_list("REPOSITORY_FILTERS", cfg->repository_filters,
                              &cfg->repository_filter_count, lookup, ctx, err);
    if (rc == 0 && cfg->repository_filter_count == 0) { /* unset: every repository */
        memcpy(cfg->repository_filters[0], "*", 2);
        cfg->repository_filter_count = 1;
    }
    if (rc == 0) /* docs/configuration.md: empty means every repository's findings */
        rc = load_filter_list("FINDING_REPOSITORY_FILTERS", cfg->finding_repository_filters,
                              &cfg->finding_repository_filter_count, lookup, ctx, err);
    return rc;
}

bool sw_cfg_exempt(const struct sw_config *cfg, const char *account)
{
    for (size_t i = 0; account && i < cfg->exempt_account_count; i++)
        if (strcmp(cfg->exempt_accounts[i], account) == 0)
            return true;
    return false;
}

static int load_exempt(struct sw_config *cfg, sw_cfg_lookup_fn lookup, void *ctx,
                       struct sw_error *err)
{
    size_t len;
    const char *v = get_value(lookup, ctx, "EXEMPT_ACCOUNTS", &len);
    cfg->exempt_account_count = 0;
    if (!v)
        return 0;
    const char *p = v, *end = v + len;
    for (size_t item = 1;; item++) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *s = p;
        size_t n = (size_t)((comma ? comma : end) - p);
        char q[QUOTE_MAX + 8];
        trim(&s, &n);
        quote_value(s, n, q, sizeof(q));
        bool digits = n == 12;
        for (size_t i = 0; digits && i < n; i++)
            digits = s[i] >= '0' && s[i] <= '9';
        if (!digits)
            return sw_error_set(err, SW_ECONFIG,
                                "EXEMPT_ACCOUNTS: item %zu \"%s\" is not a 12-digit account id; "
                                "give comma-separated account ids such as "
                                "\"111122223333,444455556666\"",
                                item, q);
        char id[13];
        memcpy(id, s, 12);
        id[12] = '\0';
        if (!sw_cfg_exempt(cfg, id)) {
            if (cfg->exempt_account_count >= SW_CFG_EXEMPT_MAX)
                return sw_error_set(err, SW_ECONFIG, "EXEMPT_ACCOUNTS: more than %d accounts",
                                    SW_CFG_EXEMPT_MAX);
            memcpy(cfg->exempt_accounts[cfg->exempt_account_count++], id, 13);
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

static int load_regions(struct sw_config *cfg, sw_cfg_lookup_fn lookup, void *ctx,
                        struct sw_error *err)
{
    size_t len;
    const char *v = get_value(lookup, ctx, "REGIONS", &len);
    cfg->region_count = 0;
    if (!v)
        return 0;
    const char *p = v;
    const char *end = v + len;
    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        const char *s = p;
        size_t n = (size_t)(stop - p);
        char low[SW_CFG_REGION_MAX + 1];
        char q[QUOTE_MAX + 8];
        trim(&s, &n);
        quote_value(s, n, q, sizeof(q));
        bool ok = n > 0 && n <= SW_CFG_REGION_MAX;
        for (size_t i = 0; ok && i < n; i++)
            low[i] = (char)lower((unsigned char)s[i]);
        if (ok)
            low[n] = '\0';
        if (!ok || !sw_region_valid(low, n))
            return sw_error_set(err, SW_ECONFIG,
                                "REGIONS: \"%s\" is not a region name (comma-separated, such as "
                                "us-east-1,eu-west-1)",
                                q);
        bool dup = false;
        for (size_t i = 0; i < cfg->region_count; i++) {
            if (strcmp(cfg->regions[i], low) == 0)
                dup = true;
        }
        if (!dup) {
            if (cfg->region_count >= SW_CFG_REGIONS_MAX)
                return sw_error_set(err, SW_ECONFIG, "REGIONS: more than %d regions",
                                    SW_CFG_REGIONS_MAX);
            memcpy(cfg->regions[cfg->region_count++], low, n + 1);
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

/* A decimal number in [0, 1]: "0", "1", "0.1", ".25", "1.000". */
static bool parse_unit_fraction(const char *s, size_t len, double *out)
{
    size_t i = 0;
    double value = 0;
    size_t int_digits = 0;
    size_t frac_digits = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9' && int_digits < 20) {
        value = value * 10 + (s[i] - '0');
        i++;
        int_digits++;
    }
    if (i < len && s[i] == '.') {
        double scale = 0.1;
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9' && frac_digits < 20) {
            value += (s[i] - '0') * scale;
            scale /= 10;
            i++;
            frac_digits++;
        }
    }
    if (i != len || int_digits + frac_digits == 0 || value > 1.0)
        return false;
    *out = value;
    return true;
}

static int load_epss(struct sw_config *cfg, sw_cfg_lookup_fn lookup, void *ctx,
                     struct sw_error *err)
{
    size_t len;
    const char *v = get_value(lookup, ctx, "EPSS_ALERT", &len);
    if (!v)
        return 0;
    if (!parse_unit_fraction(v, len, &cfg->epss_alert))
        return bad_value(err, "EPSS_ALERT", v, len, "the numbers from 0 to 1 (such as 0.1)");
    return 0;
}

/* MAX_NOTIFICATIONS_PER_INVOCATION, MAX_NOTIFICATIONS_PER_MINUTE: 1..the limit. */
/* DEAD_LETTER_QUEUE_URL: optional; an http(s) URL of printable ASCII without spaces. */
static int load_queue_url(struct sw_config *cfg, sw_cfg_lookup_fn lookup, void *ctx,
                          struct sw_error *err)
{
    size_t len = 0;
    const char *v = get_value(lookup, ctx, "DEAD_LETTER_QUEUE_URL", &len);
    if (v == NULL || len == 0)
        return 0;
    bool ok = len <= SW_CFG_QUEUE_URL_MAX && ((len > 8 && strncmp(v, "https://", 8) == 0) ||
                                              (len > 7 && strncmp(v, "http://", 7) == 0));
    for (size_t i = 0; ok && i < len; i++)
        ok = (unsigned char)v[i] > 0x20 && (unsigned char)v[i] < 0x7f;
    if (!ok) {
        char q[QUOTE_MAX + 8];
        quote_value(v, len, q, sizeof(q));
        return sw_error_set(err, SW_ECONFIG,
                            "DEAD_LETTER_QUEUE_URL: \"%s\" is not an SQS queue URL "
                            "(https://sqs.<region>.amazonaws.com/<account>/<name>, at most %d "
                            "bytes, no spaces)",
                            q, SW_CFG_QUEUE_URL_MAX);
    }
    copy_field(cfg->dead_letter_queue_url, sizeof(cfg->dead_letter_queue_url), v, len);
    return 0;
}

/* An integer variable in [lo, hi]; unset keeps *out. */
static int load_uint(const char *name, unsigned *out, unsigned lo, unsigned hi,
                     sw_cfg_lookup_fn lookup, void *ctx, struct sw_error *err)
{
    size_t len;
    const char *v = get_value(lookup, ctx, name, &len);
    if (!v)
        return 0;
    uint64_t n = 0;
    bool ok = all_digits(v, len) && len <= 9;
    for (size_t i = 0; ok && i < len; i++)
        n = n * 10 + (uint64_t)(v[i] - '0');
    if (!ok || n < lo || n > hi) {
        char allowed[64];
        snprintf(allowed, sizeof(allowed), "the integers from %u to %u", lo, hi);
        return bad_value(err, name, v, len, allowed);
    }
    *out = (unsigned)n;
    return 0;
}

static int load_cap(const char *name, unsigned *out, sw_cfg_lookup_fn lookup, void *ctx,
                    struct sw_error *err)
{
    return load_uint(name, out, 1, SW_CFG_MAX_NOTIFICATIONS_LIMIT, lookup, ctx, err);
}

int sw_cfg_load(struct sw_config *cfg, sw_cfg_lookup_fn lookup, void *ctx, struct sw_error *err)
{
    int rc;
    int i;

    memset(cfg, 0, sizeof(*cfg));
    cfg->min_severity = SW_CFG_DEFAULT_MIN_SEVERITY;
    cfg->mode = SW_MODE_ENFORCE;
    cfg->scan_frequency = SW_SCAN_FREQUENCY_CONTINUOUS_SCAN;
    cfg->rescan_duration = SW_RESCAN_UNMANAGED;
    cfg->scope = SW_SCOPE_ACCOUNT;
    cfg->chat_format = SW_CHAT_FORMAT_NONE;
    cfg->epss_alert = SW_CFG_DEFAULT_EPSS_ALERT;
    cfg->max_notifications_per_invocation = SW_CFG_DEFAULT_MAX_NOTIFICATIONS;
    cfg->max_notifications_per_minute = SW_CFG_DEFAULT_MAX_NOTIFICATIONS_PER_MINUTE;
    cfg->org_region_concurrency = SW_CFG_DEFAULT_ORG_REGION_CONCURRENCY;
    cfg->max_aws_requests_per_second = SW_CFG_DEFAULT_MAX_AWS_REQUESTS_PER_SECOND;

    if ((rc = load_topic_arn(cfg, lookup, ctx, err)) != 0)
        return rc;

    i = cfg->min_severity;
    if ((rc = load_enum(lookup, ctx, "MIN_SEVERITY", severity_names, 0, COUNT_OF(severity_names),
                        "CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNTRIAGED", &i, err)) != 0)
        return rc;
    cfg->min_severity = (enum sw_severity)i;

    i = cfg->mode;
    if ((rc = load_enum(lookup, ctx, "REMEDIATION_MODE", sw_mode_names, 0, SW_MODE_COUNT, NULL, &i,
                        err)) != 0)
        return rc;
    cfg->mode = (enum sw_mode)i;

    i = cfg->scan_frequency;
    if ((rc = load_enum(lookup, ctx, "SCAN_FREQUENCY", sw_scan_frequency_names, 0,
                        SW_SCAN_FREQUENCY_COUNT, NULL, &i, err)) != 0)
        return rc;
    cfg->scan_frequency = (enum sw_scan_frequency)i;

    if ((rc = load_filters(cfg, lookup, ctx, err)) != 0)
        return rc;

    i = cfg->rescan_duration;
    if ((rc = load_enum(lookup, ctx, "ECR_RESCAN_DURATION", sw_rescan_duration_names, 1,
                        SW_RESCAN_DURATION_COUNT, NULL, &i, err)) != 0)
        return rc;
    cfg->rescan_duration = (enum sw_rescan_duration)i;

    i = cfg->scope;
    if ((rc = load_enum(lookup, ctx, "SCOPE", scope_names, 0, COUNT_OF(scope_names), NULL, &i,
                        err)) != 0)
        return rc;
    cfg->scope = (enum sw_scope)i;

    if ((rc = load_regions(cfg, lookup, ctx, err)) != 0)
        return rc;

    i = cfg->chat_format;
    if ((rc = load_enum(lookup, ctx, "CHAT_FORMAT", chat_names, 0, COUNT_OF(chat_names), NULL, &i,
                        err)) != 0)
        return rc;
    cfg->chat_format = (enum sw_chat_format)i;

    i = 0; /* AFFECTED_WORKLOADS: off (default) or on */
    if ((rc = load_enum(lookup, ctx, "AFFECTED_WORKLOADS", switch_names, 0, COUNT_OF(switch_names),
                        NULL, &i, err)) != 0)
        return rc;
    cfg->affected_workloads = i == 1;

    if ((rc = load_exempt(cfg, lookup, ctx, err)) != 0)
        return rc;

    i = 0; /* FINDING_FIX_AVAILABLE_ONLY: off (default) or on */
    if ((rc = load_enum(lookup, ctx, "FINDING_FIX_AVAILABLE_ONLY", switch_names, 0,
                        COUNT_OF(switch_names), NULL, &i, err)) != 0)
        return rc;
    cfg->finding_fix_available_only = i == 1;

    if ((rc = load_epss(cfg, lookup, ctx, err)) != 0)
        return rc;
    if ((rc = load_queue_url(cfg, lookup, ctx, err)) != 0)
        return rc;
    if ((rc = load_cap("MAX_NOTIFICATIONS_PER_INVOCATION", &cfg->max_notifications_per_invocation,
                       lookup, ctx, err)) != 0)
        return rc;
    if ((rc = load_cap("MAX_NOTIFICATIONS_PER_MINUTE", &cfg->max_notifications_per_minute, lookup,
                       ctx, err)) != 0)
        return rc;
    if ((rc = load_uint("ORG_REGION_CONCURRENCY", &cfg->org_region_concurrency, 1,
                        SW_CFG_REGIONS_MAX, lookup, ctx, err)) != 0)
        return rc;
    return load_uint("MAX_AWS_REQUESTS_PER_SECOND", &cfg->max_aws_requests_per_second, 1,
                     SW_CFG_MAX_AWS_REQUESTS_PER_SECOND_LIMIT, lookup, ctx, err);
}

static const char *env_lookup(void *ctx, const char *name)
{
    (void)ctx;
    return getenv(name);
}

int sw_cfg_load_env(struct sw_config *cfg, struct sw_error *err)
{
    return sw_cfg_load(cfg, env_lookup, NULL, err);
}
