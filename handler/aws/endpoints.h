/* sw_endpoint: where to send Inspector2, ECR, SNS and STS requests, and how to sign them.
 *
 * Resolves the region (AWS_REGION, AWS_DEFAULT_REGION) and, per service, the endpoint
 * with the SDKs' precedence: AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL > the
 * partition's host (aws, aws-cn, aws-us-gov), or a FIPS host from a table of
 * documented ones when AWS_USE_FIPS_ENDPOINT=true. Pure: the environment is read
 * through struct sw_env and nothing is contacted. */
#ifndef SW_ENDPOINTS_H
#define SW_ENDPOINTS_H

#include "handler/aws/env.h"
#include "handler/core/error.h"

#include <stdbool.h>

#define SW_ENDPOINT_MAX_URL 2048       /* bytes in an AWS_ENDPOINT_URL* value */
#define SW_ENDPOINT_MAX_HOST 255       /* bytes in a host name (DNS limit) */
#define SW_ENDPOINT_MAX_BASE_PATH 1024 /* bytes in an endpoint URL's path */
#define SW_ENDPOINT_MAX_REGION 64      /* bytes in a region name */

/* A resolved endpoint. Requests go to url_base + operation path, with Host: host_header,
 * signed with signing_region / signing_name. */
struct sw_endpoint {
    char scheme[6];                                /* "https" or "http" */
    char host[SW_ENDPOINT_MAX_HOST + 1];           /* name or IP literal ("[::1]" with brackets) */
    int port;                                      /* 443 / 80 unless the URL names another */
    char host_header[SW_ENDPOINT_MAX_HOST + 8];    /* host, plus ":port" when not the default */
    char base_path[SW_ENDPOINT_MAX_BASE_PATH + 1]; /* "" or "/prefix" (no trailing '/') */
    char url_base[SW_ENDPOINT_MAX_URL + 16];       /* scheme://host_header + base_path */
    char signing_region[SW_ENDPOINT_MAX_REGION + 1];
    char signing_name[16]; /* "inspector2", "ecr", "sns", "sts", "sqs", "securityhub" */
    bool custom;           /* came from AWS_ENDPOINT_URL[_<SERVICE>] */
    bool fips;             /* a FIPS endpoint */
};

/* The region from AWS_REGION, else AWS_DEFAULT_REGION, into out. Returns 0, or SW_ECONFIG
 * naming both variables when neither is set, or the variable when its value is malformed. */
int sw_endpoint_region(const struct sw_env *env, char out[SW_ENDPOINT_MAX_REGION + 1],
                       struct sw_error *err);

/* Resolves the endpoint of service ("inspector2", "ecr", "sns", "sts" or "sqs") in region (NULL:
 * from the environment as sw_endpoint_region does). Returns 0, SW_EINVAL (unknown service), or
 * SW_ECONFIG with a message naming the variable: malformed endpoint URL, FIPS combined with
 * a custom endpoint, no documented FIPS endpoint for the service in that region, a
 * partition this client does not know (us-iso*, eu-isoe*). */
int sw_endpoint_resolve(const char *service, const char *region, const struct sw_env *env,
                        struct sw_endpoint *out, struct sw_error *err);

/* Parses an endpoint URL (scheme://host[:port][/base/path]) into out's scheme, host, port,
 * host_header, base_path and url_base. var names the variable for messages. Rejects other
 * schemes, user info, queries, fragments, spaces and control characters. */
int sw_endpoint_parse_url(const char *url, const char *var, struct sw_endpoint *out,
                          struct sw_error *err);

#endif
