/* Endpoint and region resolution, table-driven.
 *
 * Each row is an environment (given through struct sw_env, the process environment is
 * never touched), a service, and the expected URL, Host header, signing region/name or
 * the expected error and the words its message must contain. */
#include "handler/aws/endpoints.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

/* "NAME=value;NAME=value" looked up by name. */
static const char *table_get(void *ctx, const char *name)
{
    static char value[2200];
    const char *s = ctx;
    size_t nlen = strlen(name);
    while (s && *s) {
        const char *end = strchr(s, ';');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        if (len > nlen && strncmp(s, name, nlen) == 0 && s[nlen] == '=') {
            snprintf(value, sizeof(value), "%.*s", (int)(len - nlen - 1), s + nlen + 1);
            return value;
        }
        s = end ? end + 1 : NULL;
    }
    return NULL;
}

struct row {
    const char *name;
    const char *service;
    const char *env;
    int rc;
    const char *url_base; /* or the message words when rc != 0 */
    const char *host_header;
    const char *signing_region;
    const char *signing_name;
};

static const struct row rows[] = {
    /* Partitions. */
    {"inspector2 aws", "inspector2", "AWS_REGION=us-east-1", 0,
     "https://inspector2.us-east-1.amazonaws.com", "inspector2.us-east-1.amazonaws.com",
     "us-east-1", "inspector2"},
    {"ecr aws host prefix api.ecr, signing name ecr", "ecr", "AWS_REGION=eu-west-3", 0,
     "https://api.ecr.eu-west-3.amazonaws.com", "api.ecr.eu-west-3.amazonaws.com", "eu-west-3",
     "ecr"},
    {"sns aws", "sns", "AWS_REGION=ap-southeast-2", 0, "https://sns.ap-southeast-2.amazonaws.com",
     "sns.ap-southeast-2.amazonaws.com", "ap-southeast-2", "sns"},
    {"inspector2 aws-cn", "inspector2", "AWS_REGION=cn-north-1", 0,
     "https://inspector2.cn-north-1.amazonaws.com.cn", "inspector2.cn-north-1.amazonaws.com.cn",
     "cn-north-1", "inspector2"},
    {"ecr aws-cn", "ecr", "AWS_REGION=cn-northwest-1", 0,
     "https://api.ecr.cn-northwest-1.amazonaws.com.cn", "api.ecr.cn-northwest-1.amazonaws.com.cn",
     "cn-northwest-1", "ecr"},
    {"sns aws-us-gov", "sns", "AWS_REGION=us-gov-west-1", 0,
     "https://sns.us-gov-west-1.amazonaws.com", "sns.us-gov-west-1.amazonaws.com", "us-gov-west-1",
     "sns"},
    {"ecr aws-us-gov", "ecr", "AWS_REGION=us-gov-east-1", 0,
     "https://api.ecr.us-gov-east-1.amazonaws.com", "api.ecr.us-gov-east-1.amazonaws.com",
     "us-gov-east-1", "ecr"},
    {"sts aws (regional endpoint)", "sts", "AWS_REGION=eu-west-1", 0,
     "https://sts.eu-west-1.amazonaws.com", "sts.eu-west-1.amazonaws.com", "eu-west-1", "sts"},
    {"sts fips", "sts", "AWS_REGION=us-west-2;AWS_USE_FIPS_ENDPOINT=true", 0,
     "https://sts-fips.us-west-2.amazonaws.com", "sts-fips.us-west-2.amazonaws.com", "us-west-2",
     "sts"},
    {"sts service URL", "sts",
     "AWS_REGION=us-east-1;AWS_ENDPOINT_URL=http://127.0.0.1:5000;"
     "AWS_ENDPOINT_URL_STS=http://127.0.0.1:5001",
     0, "http://127.0.0.1:5001", "127.0.0.1:5001", "us-east-1", "sts"},
    /* Region sources. */
    {"AWS_DEFAULT_REGION when AWS_REGION unset", "sns", "AWS_DEFAULT_REGION=eu-central-1", 0,
     "https://sns.eu-central-1.amazonaws.com", "sns.eu-central-1.amazonaws.com", "eu-central-1",
     "sns"},
    {"AWS_REGION wins over AWS_DEFAULT_REGION", "sns",
     "AWS_DEFAULT_REGION=eu-central-1;AWS_REGION=us-west-2", 0,
     "https://sns.us-west-2.amazonaws.com", "sns.us-west-2.amazonaws.com", "us-west-2", "sns"},
    {"empty AWS_REGION counts as unset", "sns", "AWS_REGION=;AWS_DEFAULT_REGION=eu-north-1", 0,
     "https://sns.eu-north-1.amazonaws.com", "sns.eu-north-1.amazonaws.com", "eu-north-1", "sns"},
    {"no region", "sns", "", SW_ECONFIG, "AWS_REGION|AWS_DEFAULT_REGION", NULL, NULL, NULL},
    {"malformed region", "sns", "AWS_REGION=us-east-1.evil.com/", SW_ECONFIG,
     "AWS_REGION|not a region", NULL, NULL, NULL},
    {"isolated partition", "ecr", "AWS_REGION=us-iso-east-1", SW_ECONFIG,
     "isolated partition|AWS_ENDPOINT_URL_ECR", NULL, NULL, NULL},
    {"unknown service", "s3", "AWS_REGION=us-east-1", SW_EINVAL, "unknown service", NULL, NULL,
     NULL},
    /* FIPS. */
    {"inspector2 fips us-east-1", "inspector2", "AWS_REGION=us-east-1;AWS_USE_FIPS_ENDPOINT=true",
     0, "https://inspector2-fips.us-east-1.amazonaws.com",
     "inspector2-fips.us-east-1.amazonaws.com", "us-east-1", "inspector2"},
    {"ecr fips uses the documented ecr-fips host", "ecr",
     "AWS_REGION=us-west-2;AWS_USE_FIPS_ENDPOINT=TRUE", 0,
     "https://ecr-fips.us-west-2.amazonaws.com", "ecr-fips.us-west-2.amazonaws.com", "us-west-2",
     "ecr"},
    {"ecr fips govcloud", "ecr", "AWS_REGION=us-gov-west-1;AWS_USE_FIPS_ENDPOINT=true", 0,
     "https://ecr-fips.us-gov-west-1.amazonaws.com", "ecr-fips.us-gov-west-1.amazonaws.com",
     "us-gov-west-1", "ecr"},
    {"sns fips us-east-2", "sns", "AWS_REGION=us-east-2;AWS_USE_FIPS_ENDPOINT=true", 0,
     "https://sns-fips.us-east-2.amazonaws.com", "sns-fips.us-east-2.amazonaws.com", "us-east-2",
     "sns"},
    {"sns fips govcloud is the normal host", "sns",
     "AWS_REGION=us-gov-east-1;AWS_USE_FIPS_ENDPOINT=true", 0,
     "https://sns.us-gov-east-1.amazonaws.com", "sns.us-gov-east-1.amazonaws.com", "us-gov-east-1",
     "sns"},
    {"fips false is the normal host", "sns", "AWS_REGION=us-east-1;AWS_USE_FIPS_ENDPOINT=false", 0,
     "https://sns.us-east-1.amazonaws.com", "sns.us-east-1.amazonaws.com", "us-east-1", "sns"},
    {"fips unavailable in eu-west-1", "inspector2",
     "AWS_REGION=eu-west-1;AWS_USE_FIPS_ENDPOINT=true", SW_ECONFIG,
     "no documented FIPS endpoint|inspector2|eu-west-1|AWS_USE_FIPS_ENDPOINT", NULL, NULL, NULL},
    {"fips unavailable in china", "sns", "AWS_REGION=cn-north-1;AWS_USE_FIPS_ENDPOINT=true",
     SW_ECONFIG, "no documented FIPS endpoint|cn-north-1", NULL, NULL, NULL},
    {"inspector2 fips govcloud not documented", "inspector2",
     "AWS_REGION=us-gov-west-1;AWS_USE_FIPS_ENDPOINT=true", SW_ECONFIG,
     "no documented FIPS endpoint|AWS_ENDPOINT_URL_INSPECTOR2", NULL, NULL, NULL},
    {"fips with a bad value", "sns", "AWS_REGION=us-east-1;AWS_USE_FIPS_ENDPOINT=yes", SW_ECONFIG,
     "AWS_USE_FIPS_ENDPOINT|true or false", NULL, NULL, NULL},
    /* Configured endpoints. */
    {"global endpoint URL", "sns", "AWS_REGION=us-east-1;AWS_ENDPOINT_URL=http://127.0.0.1:5000", 0,
     "http://127.0.0.1:5000", "127.0.0.1:5000", "us-east-1", "sns"},
    {"service URL wins over global", "ecr",
     "AWS_REGION=us-east-1;AWS_ENDPOINT_URL=http://127.0.0.1:5000;"
     "AWS_ENDPOINT_URL_ECR=https://ecr.example.test:8443/base/",
     0, "https://ecr.example.test:8443/base", "ecr.example.test:8443", "us-east-1", "ecr"},
    {"other service's URL is not used", "sns",
     "AWS_REGION=eu-west-1;AWS_ENDPOINT_URL_ECR=http://127.0.0.1:1", 0,
     "https://sns.eu-west-1.amazonaws.com", "sns.eu-west-1.amazonaws.com", "eu-west-1", "sns"},
    {"inspector2 service URL", "inspector2",
     "AWS_REGION=us-east-1;AWS_ENDPOINT_URL_INSPECTOR2=http://localhost:4566", 0,
     "http://localhost:4566", "localhost:4566", "us-east-1", "inspector2"},
    {"default port is not in Host", "sns",
     "AWS_REGION=us-east-1;AWS_ENDPOINT_URL_SNS=https://sns.example.test:443", 0,
     "https://sns.example.test", "sns.example.test", "us-east-1", "sns"},
    {"http default port 80 not in Host", "sns",
     "AWS_REGION=us-east-1;AWS_ENDPOINT_URL_SNS=HTTP://sns.example.test:80/", 0,
     "http://sns.example.test", "sns.example.test", "us-east-1", "sns"},
    {"IPv6 literal with port", "sns", "AWS_REGION=us-east-1;AWS_ENDPOINT_URL=http://[::1]:9000", 0,
     "http://[::1]:9000", "[::1]:9000", "us-east-1", "sns"},
    {"ignore configured URLs", "ecr",
     "AWS_REGION=us-east-1;AWS_ENDPOINT_URL_ECR=http://127.0.0.1:5000;"
     "AWS_ENDPOINT_URL=http://127.0.0.1:5000;AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true",
     0, "https://api.ecr.us-east-1.amazonaws.com", "api.ecr.us-east-1.amazonaws.com", "us-east-1",
     "ecr"},
    {"ignore=false keeps configured URLs", "ecr",
     "AWS_REGION=us-east-1;AWS_ENDPOINT_URL=http://127.0.0.1:5000;"
     "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false",
     0, "http://127.0.0.1:5000", "127.0.0.1:5000", "us-east-1", "ecr"},
    {"ignore + fips resolves the FIPS host", "sns",
     "AWS_REGION=us-east-1;AWS_ENDPOINT_URL=http://127.0.0.1:5000;"
     "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true;AWS_USE_FIPS_ENDPOINT=true",
     0, "https://sns-fips.us-east-1.amazonaws.com", "sns-fips.us-east-1.amazonaws.com", "us-east-1",
     "sns"},
    {"fips + custom endpoint is an error", "sns",
     "AWS_REGION=us-east-1;AWS_ENDPOINT_URL_SNS=http://127.0.0.1:5000;AWS_USE_FIPS_ENDPOINT=true",
     SW_ECONFIG, "FIPS and custom endpoint are not supported|AWS_ENDPOINT_URL_SNS", NULL, NULL,
     NULL},
    {"custom endpoint still needs a region", "sns", "AWS_ENDPOINT_URL=http://127.0.0.1:5000",
     SW_ECONFIG, "AWS_REGION", NULL, NULL, NULL},
    {"bad scheme", "sns", "AWS_REGION=us-east-1;AWS_ENDPOINT_URL=ftp://x", SW_ECONFIG,
     "AWS_ENDPOINT_URL|scheme", NULL, NULL, NULL},
    {"no scheme", "sns", "AWS_REGION=us-east-1;AWS_ENDPOINT_URL_SNS=127.0.0.1:5000", SW_ECONFIG,
     "AWS_ENDPOINT_URL_SNS|scheme", NULL, NULL, NULL},
    {"user info", "sns", "AWS_REGION=us-east-1;AWS_ENDPOINT_URL=http://u:p@127.0.0.1", SW_ECONFIG,
     "user info", NULL, NULL, NULL},
    {"query in URL", "sns", "AWS_REGION=us-east-1;AWS_ENDPOINT_URL=http://127.0.0.1/?a=b",
     SW_ECONFIG, "query", NULL, NULL, NULL},
    {"port out of range", "sns", "AWS_REGION=us-east-1;AWS_ENDPOINT_URL=http://127.0.0.1:70000",
     SW_ECONFIG, "port", NULL, NULL, NULL},
    {"port not numeric", "sns", "AWS_REGION=us-east-1;AWS_ENDPOINT_URL=http://127.0.0.1:8a",
     SW_ECONFIG, "port", NULL, NULL, NULL},
    {"empty host", "sns", "AWS_REGION=us-east-1;AWS_ENDPOINT_URL=http://:80", SW_ECONFIG,
     "host is empty", NULL, NULL, NULL},
    {"space in URL", "sns", "AWS_REGION=us-east-1;AWS_ENDPOINT_URL=http://a b", SW_ECONFIG, "space",
     NULL, NULL, NULL},
    {"unclosed IPv6", "sns", "AWS_REGION=us-east-1;AWS_ENDPOINT_URL=http://[::1", SW_ECONFIG,
     "IPv6", NULL, NULL, NULL},
};

/* Every '|'-separated word of words must occur in msg. */
static void assert_message_has(const char *row, const char *msg, const char *words)
{
    const char *w = words;
    while (*w) {
        const char *bar = strchr(w, '|');
        size_t len = bar ? (size_t)(bar - w) : strlen(w);
        char word[256];
        snprintf(word, sizeof(word), "%.*s", (int)len, w);
        if (!strstr(msg, word))
            fail_msg("%s: message \"%s\" lacks \"%s\"", row, msg, word);
        w += len + (bar ? 1 : 0);
    }
}

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *r = &rows[i];
        struct sw_env env = {table_get, (void *)r->env};
        struct sw_endpoint ep;
        struct sw_error err = {0};
        int rc = sw_endpoint_resolve(r->service, NULL, &env, &ep, &err);
        if (rc != r->rc)
            fail_msg("%s: rc %d, want %d (%s)", r->name, rc, r->rc, err.msg);
        if (rc) {
            assert_int_equal(err.code, rc);
            assert_message_has(r->name, err.msg, r->url_base);
            continue;
        }
        if (strcmp(ep.url_base, r->url_base) != 0 || strcmp(ep.host_header, r->host_header) != 0 ||
            strcmp(ep.signing_region, r->signing_region) != 0 ||
            strcmp(ep.signing_name, r->signing_name) != 0)
            fail_msg("%s: got %s Host:%s %s/%s, want %s Host:%s %s/%s", r->name, ep.url_base,
                     ep.host_header, ep.signing_region, ep.signing_name, r->url_base,
                     r->host_header, r->signing_region, r->signing_name);
    }
}

static void test_parts_of_a_custom_endpoint(void **state)
{
    (void)state;
    struct sw_endpoint ep;
    struct sw_error err = {0};
    assert_int_equal(sw_endpoint_parse_url("https://Example.test:8443/a/b//", "X", &ep, &err), 0);
    assert_string_equal(ep.scheme, "https");
    assert_string_equal(ep.host, "Example.test");
    assert_int_equal(ep.port, 8443);
    assert_string_equal(ep.base_path, "/a/b");
    assert_string_equal(ep.host_header, "Example.test:8443");

    assert_int_equal(sw_endpoint_parse_url("http://127.0.0.1", "X", &ep, &err), 0);
    assert_int_equal(ep.port, 80);
    assert_string_equal(ep.base_path, "");
    assert_string_equal(ep.url_base, "http://127.0.0.1");

    struct sw_env env = {table_get, "AWS_REGION=eu-west-1;AWS_ENDPOINT_URL=http://127.0.0.1:1/p"};
    assert_int_equal(sw_endpoint_resolve("ecr", NULL, &env, &ep, &err), 0);
    assert_true(ep.custom);
    assert_false(ep.fips);
    assert_string_equal(ep.base_path, "/p");
    assert_int_equal(ep.port, 1);
}

static void test_explicit_region_overrides_environment(void **state)
{
    (void)state;
    struct sw_endpoint ep;
    struct sw_error err = {0};
    struct sw_env env = {table_get, "AWS_REGION=eu-west-1"};
    assert_int_equal(sw_endpoint_resolve("sns", "us-gov-west-1", &env, &ep, &err), 0);
    assert_string_equal(ep.url_base, "https://sns.us-gov-west-1.amazonaws.com");
    assert_int_equal(sw_endpoint_resolve("sns", "Bad_Region", &env, &ep, &err), SW_ECONFIG);

    char region[SW_ENDPOINT_MAX_REGION + 1];
    assert_int_equal(sw_endpoint_region(&env, region, &err), 0);
    assert_string_equal(region, "eu-west-1");
}

static void test_long_url_rejected(void **state)
{
    (void)state;
    static char url[SW_ENDPOINT_MAX_URL + 64];
    memcpy(url, "http://h/", 9);
    memset(url + 9, 'a', SW_ENDPOINT_MAX_URL + 10);
    struct sw_endpoint ep;
    struct sw_error err = {0};
    assert_int_equal(sw_endpoint_parse_url(url, "AWS_ENDPOINT_URL", &ep, &err), SW_ECONFIG);
    assert_non_null(strstr(err.msg, "too long"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_parts_of_a_custom_endpoint),
        cmocka_unit_test(test_explicit_region_overrides_environment),
        cmocka_unit_test(test_long_url_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
