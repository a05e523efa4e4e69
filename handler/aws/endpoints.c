/* sw_endpoint: region and endpoint resolution for Inspector2, ECR, SNS, STS, SQS and Security
 * Hub (see endpoints.h).
 *
 * The SDKs resolve endpoints with a large rule engine; three services in three
 * partitions need a few lines. FIPS hosts come from a table of the documented ones
 * rather than a formula, because the formula and the documentation disagree for ECR
 * (see FIPS_HOSTS). Endpoint URLs from the environment are validated strictly. */
#include "handler/aws/endpoints.h"

#include "handler/core/ids.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

struct service_info {
    const char *id;           /* as callers name it */
    const char *host_prefix;  /* {prefix}.{region}.{dns suffix} */
    const char *signing_name; /* SigV4 service name */
    const char *url_var;      /* AWS_ENDPOINT_URL_<SERVICE> */
};

static const struct service_info services[] = {
    {"inspector2", "inspector2", "inspector2", "AWS_ENDPOINT_URL_INSPECTOR2"},
    {"ecr", "api.ecr", "ecr", "AWS_ENDPOINT_URL_ECR"},
    {"sns", "sns", "sns", "AWS_ENDPOINT_URL_SNS"},
    {"sts", "sts", "sts", "AWS_ENDPOINT_URL_STS"},
    {"sqs", "sqs", "sqs", "AWS_ENDPOINT_URL_SQS"},
    {"securityhub", "securityhub", "securityhub", "AWS_ENDPOINT_URL_SECURITYHUB"},
};

/* Documented FIPS endpoints ({region} is substituted). Sources: AWS General Reference
 * service endpoint tables, summarised in docs/contract.md §9.2.
 * - Inspector2: inspector2-fips in the four US commercial regions only; the rule set's
 *   GovCloud and China hosts are not documented, so they are treated as unavailable.
 * - ECR: the documented host is ecr-fips.{region}.amazonaws.com (also botocore's older
 *   endpoint data); the current JS rule set builds api.ecr-fips.{region}.amazonaws.com, which
 *   no documentation lists. We use the documented ecr-fips host; AWS_ENDPOINT_URL_ECR can
 *   point elsewhere.
 * - SNS: sns-fips in the four US commercial regions; in GovCloud the normal host is the FIPS
 *   endpoint.
 * - STS (regional endpoints): sts-fips in the four US commercial regions; in GovCloud the
 *   normal host is the FIPS endpoint.
 * - SQS (the dead-letter queue): sqs-fips in the four US commercial regions; in GovCloud
 *   the normal host is the FIPS endpoint.
 * - Security Hub (closing the loop on a finding): securityhub-fips in the four US commercial
 *   regions and in GovCloud.
 */
struct fips_host {
    const char *service;
    const char *region;
    const char *prefix; /* host = {prefix}.{region}.amazonaws.com */
};

static const struct fips_host fips_hosts[] = {
    {"inspector2", "us-east-1", "inspector2-fips"},
    {"inspector2", "us-east-2", "inspector2-fips"},
    {"inspector2", "us-west-1", "inspector2-fips"},
    {"inspector2", "us-west-2", "inspector2-fips"},
    {"ecr", "us-east-1", "ecr-fips"},
    {"ecr", "us-east-2", "ecr-fips"},
    {"ecr", "us-west-1", "ecr-fips"},
    {"ecr", "us-west-2", "ecr-fips"},
    {"ecr", "us-gov-east-1", "ecr-fips"},
    {"ecr", "us-gov-west-1", "ecr-fips"},
    {"sns", "us-east-1", "sns-fips"},
    {"sns", "us-east-2", "sns-fips"},
    {"sns", "us-west-1", "sns-fips"},
    {"sns", "us-west-2", "sns-fips"},
    {"sns", "us-gov-east-1", "sns"},
    {"sns", "us-gov-west-1", "sns"},
    {"sts", "us-east-1", "sts-fips"},
    {"sts", "us-east-2", "sts-fips"},
    {"sts", "us-west-1", "sts-fips"},
    {"sts", "us-west-2", "sts-fips"},
    {"sts", "us-gov-east-1", "sts"},
    {"sts", "us-gov-west-1", "sts"},
    {"sqs", "us-east-1", "sqs-fips"},
    {"sqs", "us-east-2", "sqs-fips"},
    {"sqs", "us-west-1", "sqs-fips"},
    {"sqs", "us-west-2", "sqs-fips"},
    {"sqs", "us-gov-east-1", "sqs"},
    {"sqs", "us-gov-west-1", "sqs"},
    {"securityhub", "us-east-1", "securityhub-fips"},
    {"securityhub", "us-east-2", "securityhub-fips"},
    {"securityhub", "us-west-1", "securityhub-fips"},
    {"securityhub", "us-west-2", "securityhub-fips"},
    {"securityhub", "us-gov-east-1", "securityhub-fips"},
    {"securityhub", "us-gov-west-1", "securityhub-fips"},
};

int sw_endpoint_region(const struct sw_env *env, char out[SW_ENDPOINT_MAX_REGION + 1],
                       struct sw_error *err)
{
    const char *var = "AWS_REGION";
    const char *r = sw_env_get_nonempty(env, var);
    if (!r) {
        var = "AWS_DEFAULT_REGION";
        r = sw_env_get_nonempty(env, var);
    }
    if (!r)
        return sw_error_set(err, SW_ECONFIG,
                            "no AWS region: set AWS_REGION (Lambda sets it) or AWS_DEFAULT_REGION");
    if (!sw_region_ok(r))
        return sw_error_set(err, SW_ECONFIG,
                            "%s: \"%.64s\" is not a region name (lower-case letters, digits and "
                            "'-', e.g. us-east-1)",
                            var, r);
    memcpy(out, r, strlen(r) + 1);
    return 0;
}

static bool is_host_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

static int bad_url(struct sw_error *err, const char *var, const char *why)
{
    return sw_error_set(err, SW_ECONFIG,
                        "%s is not a usable endpoint URL: %s (expected "
                        "http[s]://host[:port][/path], e.g. http://127.0.0.1:5000)",
                        var, why);
}

/* The host of the authority at p (a bracketed IPv6 address or a name) into out->host;
 * *host_end is where it stops. */
static int parse_host(const char *p, const char *authority_end, const char *var,
                      struct sw_endpoint *out, const char **host_end, struct sw_error *err)
{
    const char *end;
    if (*p == '[') {
        const char *close = memchr(p, ']', (size_t)(authority_end - p));
        if (!close || close == p + 1)
            return bad_url(err, var, "the IPv6 address is not closed with ']'");
        for (const char *c = p + 1; c < close; c++)
            if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f') ||
                  (*c >= 'A' && *c <= 'F') || *c == ':' || *c == '.'))
                return bad_url(err, var, "the IPv6 address has a character that is not allowed");
        end = close + 1;
    } else {
        end = p;
        while (end < authority_end && *end != ':') {
            if (!is_host_char((unsigned char)*end))
                return bad_url(err, var, "the host has a character that is not allowed");
            end++;
        }
        if (end == p)
            return bad_url(err, var, "the host is empty");
    }
    size_t host_len = (size_t)(end - p);
    if (host_len > SW_ENDPOINT_MAX_HOST)
        return bad_url(err, var, "the host is too long");
    memcpy(out->host, p, host_len);
    out->host[host_len] = '\0';
    *host_end = end;
    return 0;
}

/* The optional ":port" between host_end and authority_end into out->port; *explicit_port
 * when it differs from the scheme's default. */
static int parse_port(const char *host_end, const char *authority_end, const char *var,
                      struct sw_endpoint *out, bool *explicit_port, struct sw_error *err)
{
    *explicit_port = false;
    if (host_end == authority_end)
        return 0;
    if (*host_end != ':')
        return bad_url(err, var, "unexpected text after the host");
    const char *d = host_end + 1;
    long port = 0;
    if (d == authority_end)
        return bad_url(err, var, "the port is empty");
    for (; d < authority_end; d++) {
        if (*d < '0' || *d > '9' || port > 65535)
            return bad_url(err, var, "the port is not a number from 1 to 65535");
        port = port * 10 + (*d - '0');
    }
    if (port < 1 || port > 65535)
        return bad_url(err, var, "the port is not a number from 1 to 65535");
    *explicit_port = port != out->port;
    out->port = (int)port;
    return 0;
}

/* The scheme into out (with its default port); *rest is what follows "://". */
static int parse_scheme(const char *url, const char *var, struct sw_endpoint *out,
                        const char **rest, struct sw_error *err)
{
    size_t len = strlen(url);
    if (len > SW_ENDPOINT_MAX_URL)
        return bad_url(err, var, "it is too long");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)url[i];
        if (c <= ' ' || c >= 0x7f)
            return bad_url(err, var, "it contains a space, control or non-ASCII character");
    }
    if (strchr(url, '?') || strchr(url, '#'))
        return bad_url(err, var, "it has a query or fragment");
    if (strncasecmp(url, "https://", 8) == 0) {
        memcpy(out->scheme, "https", 6);
        out->port = 443;
        *rest = url + 8;
    } else if (strncasecmp(url, "http://", 7) == 0) {
        memcpy(out->scheme, "http", 5);
        out->port = 80;
        *rest = url + 7;
    } else {
        return bad_url(err, var, "the scheme is not http:// or https://");
    }
    return 0;
}

int sw_endpoint_parse_url(const char *url, const char *var, struct sw_endpoint *out,
                          struct sw_error *err)
{
    const char *p = NULL;
    const char *host_end = NULL;
    bool explicit_port = false;
    int rc = parse_scheme(url, var, out, &p, err);
    if (rc)
        return rc;
    const char *authority_end = p + strcspn(p, "/");
    if (memchr(p, '@', (size_t)(authority_end - p)))
        return bad_url(err, var, "user info (user@host) is not supported");
    rc = parse_host(p, authority_end, var, out, &host_end, err);
    if (!rc)
        rc = parse_port(host_end, authority_end, var, out, &explicit_port, err);
    if (rc)
        return rc;

    /* Base path: kept as given, without trailing slashes ("/" alone becomes ""). */
    const char *path = authority_end;
    size_t path_len = strlen(path);
    while (path_len > 0 && path[path_len - 1] == '/')
        path_len--;
    if (path_len > SW_ENDPOINT_MAX_BASE_PATH)
        return bad_url(err, var, "the path is too long");
    memcpy(out->base_path, path, path_len);
    out->base_path[path_len] = '\0';

    if (explicit_port)
        snprintf(out->host_header, sizeof(out->host_header), "%s:%d", out->host, out->port);
    else
        snprintf(out->host_header, sizeof(out->host_header), "%s", out->host);
    snprintf(out->url_base, sizeof(out->url_base), "%s://%s%s", out->scheme, out->host_header,
             out->base_path);
    return 0;
}

static const struct service_info *find_service(const char *id)
{
    for (size_t i = 0; id && i < sizeof(services) / sizeof(services[0]); i++)
        if (strcmp(services[i].id, id) == 0)
            return &services[i];
    return NULL;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void set_host(struct sw_endpoint *out, const char *host)
{
    memcpy(out->scheme, "https", 6);
    out->port = 443;
    snprintf(out->host, sizeof(out->host), "%s", host);
    snprintf(out->host_header, sizeof(out->host_header), "%s", host);
    out->base_path[0] = '\0';
    snprintf(out->url_base, sizeof(out->url_base), "https://%s", host);
}

int sw_endpoint_resolve(const char *service, const char *region, const struct sw_env *env,
                        struct sw_endpoint *out, struct sw_error *err)
{
    char region_buf[SW_ENDPOINT_MAX_REGION + 1];
    const struct service_info *svc = find_service(service);
    memset(out, 0, sizeof(*out));
    if (!svc)
        return sw_error_set(err, SW_EINVAL, "endpoints: unknown service \"%s\"",
                            service ? service : "(null)");
    if (region) {
        if (!sw_region_ok(region))
            return sw_error_set(err, SW_ECONFIG, "\"%.64s\" is not a region name", region);
        snprintf(region_buf, sizeof(region_buf), "%s", region);
    } else {
        int rc = sw_endpoint_region(env, region_buf, err);
        if (rc)
            return rc;
    }
    snprintf(out->signing_region, sizeof(out->signing_region), "%s", region_buf);
    snprintf(out->signing_name, sizeof(out->signing_name), "%s", svc->signing_name);

    bool fips = false, ignore = false;
    if (!sw_env_get_bool(env, "AWS_USE_FIPS_ENDPOINT", &fips))
        return sw_error_set(err, SW_ECONFIG, "AWS_USE_FIPS_ENDPOINT must be true or false");
    if (!sw_env_get_bool(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", &ignore))
        return sw_error_set(err, SW_ECONFIG,
                            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS must be true or false");

    if (!ignore) {
        const char *var = svc->url_var;
        const char *url = sw_env_get_nonempty(env, var);
        if (!url) {
            var = "AWS_ENDPOINT_URL";
            url = sw_env_get_nonempty(env, var);
        }
        if (url) {
            if (fips)
                return sw_error_set(err, SW_ECONFIG,
                                    "AWS_USE_FIPS_ENDPOINT=true cannot be combined with a custom "
                                    "endpoint (%s): FIPS and custom endpoint are not supported; "
                                    "unset one of them",
                                    var);
            int rc = sw_endpoint_parse_url(url, var, out, err);
            if (rc)
                return rc;
            out->custom = true;
            return 0;
        }
    }

    const char *suffix = "amazonaws.com";
    if (starts_with(region_buf, "cn-"))
        suffix = "amazonaws.com.cn";
    else if (starts_with(region_buf, "us-iso") || starts_with(region_buf, "eu-iso"))
        return sw_error_set(err, SW_ECONFIG,
                            "region %s is in an isolated partition this function does not "
                            "support; set %s to its endpoint",
                            region_buf, svc->url_var);

    char host[SW_ENDPOINT_MAX_HOST + 1];
    if (fips) {
        const struct fips_host *found = NULL;
        for (size_t i = 0; i < sizeof(fips_hosts) / sizeof(fips_hosts[0]); i++)
            if (strcmp(fips_hosts[i].service, svc->id) == 0 &&
                strcmp(fips_hosts[i].region, region_buf) == 0)
                found = &fips_hosts[i];
        if (!found)
            return sw_error_set(err, SW_ECONFIG,
                                "AWS_USE_FIPS_ENDPOINT=true but %s has no documented FIPS endpoint "
                                "in %s; unset AWS_USE_FIPS_ENDPOINT or set %s",
                                svc->id, region_buf, svc->url_var);
        snprintf(host, sizeof(host), "%s.%s.amazonaws.com", found->prefix, region_buf);
        out->fips = true;
    } else {
        snprintf(host, sizeof(host), "%s.%s.%s", svc->host_prefix, region_buf, suffix);
    }
    set_host(out, host);
    return 0;
}
