/* sw_creds: the provider chain (environment, then container) with a refresh cache
 * (contract in credentials.h); the container fetch is credentials_container.c.
 *
 * Secrets live in fixed buffers inside the provider, are overwritten with OPENSSL_cleanse
 * when replaced or freed, and are never formatted into a message. */
#include "handler/aws/credentials.h"

#include "handler/aws/credentials_container.h"
#include "handler/aws/credentials_profile.h"
#include "handler/aws/client.h"
#include "handler/aws/sts.h"

#include "runtime/lr_log.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define ENV_KEY "AWS_ACCESS_KEY_ID"
#define ENV_SECRET "AWS_SECRET_ACCESS_KEY"
#define ENV_TOKEN "AWS_SESSION_TOKEN"
#define ENV_TOKEN_LEGACY "AWS_SECURITY_TOKEN"
#define ENV_RELATIVE "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
#define ENV_FULL "AWS_CONTAINER_CREDENTIALS_FULL_URI"

struct sw_creds_provider {
    struct sw_creds_options opt;
    struct sw_creds_slot current;   /* environment credentials (re-read on every call) */
    struct sw_creds_slot container; /* cached container credentials */
    struct sw_creds_slot profile;   /* shared-file profile credentials (cached until expiry) */
    enum sw_creds_source source;
    long fetches;
};

struct sw_creds_provider *sw_creds_provider_new(const struct sw_creds_options *opt,
                                                struct sw_error *err)
{
    struct sw_creds_provider *p = calloc(1, sizeof(*p));
    if (!p) {
        sw_error_set(err, SW_ENOMEM, "credentials: out of memory");
        return NULL;
    }
    if (opt)
        p->opt = *opt;
    if (p->opt.timeout_ms <= 0)
        p->opt.timeout_ms = SW_CREDS_FETCH_TIMEOUT_MS;
    if (p->opt.attempts <= 0)
        p->opt.attempts = SW_CREDS_FETCH_ATTEMPTS;
    if (p->opt.retry_delay_ms == 0)
        p->opt.retry_delay_ms = SW_CREDS_RETRY_DELAY_MS;
    return p;
}

void sw_creds_provider_free(struct sw_creds_provider *p)
{
    if (!p)
        return;
    sw_creds_slot_wipe(&p->current);
    sw_creds_slot_wipe(&p->container);
    sw_creds_slot_wipe(&p->profile);
    free(p);
}

enum sw_creds_source sw_creds_source(const struct sw_creds_provider *p)
{
    return p ? p->source : SW_CREDS_NONE;
}

time_t sw_creds_expiration(const struct sw_creds_provider *p)
{
    if (p && p->source == SW_CREDS_PROFILE)
        return p->profile.expiration;
    return p && p->source == SW_CREDS_CONTAINER ? p->container.expiration : 0;
}

long sw_creds_fetch_count(const struct sw_creds_provider *p)
{
    return p ? p->fetches : 0;
}

enum sw_creds_refresh sw_creds_refresh_need(time_t expiration, time_t now)
{
    if (expiration == 0)
        return SW_CREDS_REFRESH_NONE;
    if (expiration - now < SW_CREDS_MANDATORY_REFRESH_S)
        return SW_CREDS_REFRESH_MANDATORY;
    if (expiration - now < SW_CREDS_ADVISORY_REFRESH_S)
        return SW_CREDS_REFRESH_ADVISORY;
    return SW_CREDS_REFRESH_NONE;
}

/* ---- pure helpers ---- */

/* Splits url into scheme (true for https) and host (IPv6 without brackets). */
static bool url_host(const char *url, bool *https, char *host, size_t cap)
{
    const char *p;
    if (strncasecmp(url, "https://", 8) == 0) {
        *https = true;
        p = url + 8;
    } else if (strncasecmp(url, "http://", 7) == 0) {
        *https = false;
        p = url + 7;
    } else {
        return false;
    }
    size_t auth_len = strcspn(p, "/?#");
    if (memchr(p, '@', auth_len))
        return false; /* user info: refuse rather than guess the host */
    const char *auth_end = p + auth_len;
    const char *start = p;
    size_t len;
    if (*p == '[') {
        const char *close = memchr(p, ']', auth_len);
        if (!close)
            return false;
        if (close + 1 < auth_end && close[1] != ':')
            return false;
        start = p + 1;
        len = (size_t)(close - start);
    } else {
        len = strcspn(p, ":/?#");
        if (len > auth_len)
            len = auth_len;
    }
    if (len == 0 || len >= cap)
        return false;
    memcpy(host, start, len);
    host[len] = '\0';
    return true;
}

bool sw_creds_uri_allowed(const char *url)
{
    char host[256];
    bool https = false;
    if (!url || strlen(url) > SW_CREDS_MAX_URI || !url_host(url, &https, host, sizeof(host)))
        return false;
    for (const char *c = url; *c; c++)
        if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f)
            return false;
    if (https)
        return true;
    if (strcasecmp(host, "localhost") == 0)
        return true;
    unsigned char a4[4];
    if (inet_pton(AF_INET, host, a4) == 1)
        return a4[0] == 127 ||
               (a4[0] == 169 && a4[1] == 254 && a4[2] == 170 && (a4[3] == 2 || a4[3] == 23));
    unsigned char a6[16], want[16];
    if (inet_pton(AF_INET6, host, a6) == 1) {
        inet_pton(AF_INET6, "::1", want);
        if (memcmp(a6, want, 16) == 0)
            return true;
        inet_pton(AF_INET6, "fd00:ec2::23", want);
        return memcmp(a6, want, 16) == 0;
    }
    return false;
}

/* ---- environment provider ---- */

/* 1: environment credentials loaded into p->current; 0: none set; < 0: error. */
static int from_environment(struct sw_creds_provider *p, struct sw_error *err)
{
    const struct sw_env *env = p->opt.env;
    const char *key = sw_env_get_nonempty(env, ENV_KEY);
    const char *secret = sw_env_get_nonempty(env, ENV_SECRET);
    if (!key && !secret)
        return 0;
    if (!key || !secret) {
        if (p->current.set)
            sw_creds_slot_wipe(&p->current);
        return sw_error_set(err, SW_ECREDS,
                            "partial credentials in the environment: %s is set but %s is not",
                            key ? ENV_KEY : ENV_SECRET, key ? ENV_SECRET : ENV_KEY);
    }
    const char *token_var = ENV_TOKEN;
    const char *token = sw_env_get_nonempty(env, ENV_TOKEN);
    if (!token) {
        token_var = ENV_TOKEN_LEGACY;
        token = sw_env_get_nonempty(env, ENV_TOKEN_LEGACY);
    }
    struct sw_creds_slot *s = &p->current;
    if (s->set && strcmp(s->access_key_id, key) == 0 && strcmp(s->secret, secret) == 0 &&
        strcmp(s->token, token ? token : "") == 0)
        return 1; /* unchanged since the last call: nothing to copy */
    sw_creds_slot_wipe(s);
    if (!sw_creds_copy_secret(s->access_key_id, sizeof(s->access_key_id), key) ||
        sw_creds_has_ctl(key))
        return sw_error_set(err, SW_ECREDS, "%s is longer than %d bytes or has control characters",
                            ENV_KEY, SW_CREDS_MAX_ACCESS_KEY_ID);
    if (!sw_creds_copy_secret(s->secret, sizeof(s->secret), secret) || sw_creds_has_ctl(secret)) {
        sw_creds_slot_wipe(s);
        return sw_error_set(err, SW_ECREDS, "%s is longer than %d bytes or has control characters",
                            ENV_SECRET, SW_CREDS_MAX_SECRET);
    }
    if (token &&
        (!sw_creds_copy_secret(s->token, sizeof(s->token), token) || sw_creds_has_ctl(token))) {
        sw_creds_slot_wipe(s);
        return sw_error_set(err, SW_ECREDS, "%s is longer than %d bytes or has control characters",
                            token_var, SW_CREDS_MAX_TOKEN);
    }
    s->set = true;
    return 1;
}

/* ---- shared-file profile provider (credentials_profile.h) ---- */

/* The environment the source profile of a role_arn profile is read in: AWS_PROFILE is the
 * source profile, the environment's and the container's credentials are hidden (the SDKs
 * take the source profile's own credentials), and a marker stops a second role. */
#define NESTED_MARK "\001sw-source-profile"
struct source_env {
    const struct sw_env *base;
    const char *source;
};

static const char *source_env_get(void *ctx, const char *name)
{
    const struct source_env *s = ctx;
    if (strcmp(name, "AWS_PROFILE") == 0)
        return s->source;
    if (strcmp(name, NESTED_MARK) == 0)
        return "1";
    if (strcmp(name, ENV_KEY) == 0 || strcmp(name, ENV_SECRET) == 0 ||
        strcmp(name, ENV_TOKEN) == 0 || strcmp(name, ENV_TOKEN_LEGACY) == 0 ||
        strcmp(name, ENV_RELATIVE) == 0 || strcmp(name, ENV_FULL) == 0)
        return NULL;
    return sw_env_get(s->base, name);
}

/* role_arn + source_profile: sts:AssumeRole with the source profile's credentials. */
static int assume_role(struct sw_creds_provider *p, const struct sw_profile *pr, const char *name,
                       struct sw_error *err)
{
    if (sw_env_get(p->opt.env, NESTED_MARK))
        return sw_error_set(err, SW_ECONFIG,
                            "profile %s: a source_profile that itself has role_arn (role "
                            "chaining) is not supported",
                            name);
    if (!pr->source_profile[0])
        return sw_error_set(err, SW_ECONFIG,
                            "profile %s has role_arn but no source_profile (credential_source "
                            "is not supported)",
                            name);
    struct source_env senv = {.base = p->opt.env, .source = pr->source_profile};
    struct sw_env env = {.get = source_env_get, .ctx = &senv};
    struct sw_aws_client_options copt = {.creds_env = &env};
    struct sw_aws_client *c = sw_aws_client_new(&copt, err);
    if (!c)
        return err ? err->code : SW_ECONFIG;
    int rc =
        sw_sts_assume_role(c, pr->role_arn, SW_PROFILE_ROLE_SESSION_NAME, &p->profile, NULL, err);
    sw_aws_client_free(c);
    if (rc)
        sw_creds_slot_wipe(&p->profile);
    return rc;
}

/* 1: profile credentials in p->profile; 0: no profile (the chain goes on); < 0: error. */
static int from_profile(struct sw_creds_provider *p, time_t now, struct sw_error *err)
{
    if (p->profile.set &&
        sw_creds_refresh_need(p->profile.expiration, now) == SW_CREDS_REFRESH_NONE)
        return 1; /* static keys, or process credentials not near expiry */
    struct sw_profile *pr = calloc(1, sizeof(*pr));
    if (!pr)
        return sw_error_set(err, SW_ENOMEM, "credentials: out of memory");
    int rc = sw_profile_load(p->opt.env, pr, err);
    if (rc == 1) {
        const char *name = sw_env_get_nonempty(p->opt.env, "AWS_PROFILE");
        if (pr->role_arn[0])
            rc = assume_role(p, pr, name ? name : "default", err);
        else
            rc = sw_profile_credentials(pr, name ? name : "default", &p->profile, err);
        if (rc == 0 &&
            sw_creds_refresh_need(p->profile.expiration, now) == SW_CREDS_REFRESH_MANDATORY) {
            sw_creds_slot_wipe(&p->profile);
            rc = sw_error_set(err, SW_ECREDS,
                              "the credentials of profile %s are expired (or expire within %d "
                              "minutes)",
                              name ? name : "default", SW_CREDS_MANDATORY_REFRESH_S / 60);
        }
        if (rc == 0)
            rc = 1;
        else
            sw_creds_slot_wipe(&p->profile);
    }
    sw_profile_wipe(pr);
    free(pr);
    return rc;
}

static int container_url(const struct sw_env *env, char *url, size_t cap, struct sw_error *err)
{
    const char *rel = sw_env_get_nonempty(env, ENV_RELATIVE);
    if (rel) {
        if (rel[0] != '/')
            return sw_error_set(err, SW_ECONFIG, "%s must start with '/'", ENV_RELATIVE);
        if ((size_t)snprintf(url, cap, "http://%s%s", SW_CREDS_ECS_HOST, rel) >= cap)
            return sw_error_set(err, SW_ECONFIG, "%s is too long", ENV_RELATIVE);
        if (!sw_creds_uri_allowed(url))
            return sw_error_set(err, SW_ECONFIG, "%s has characters that are not allowed in a URL",
                                ENV_RELATIVE);
        return 1;
    }
    const char *full = sw_env_get_nonempty(env, ENV_FULL);
    if (!full)
        return 0;
    if (strlen(full) >= cap)
        return sw_error_set(err, SW_ECONFIG, "%s is longer than %d bytes", ENV_FULL,
                            SW_CREDS_MAX_URI);
    if (!sw_creds_uri_allowed(full))
        return sw_error_set(err, SW_ECONFIG,
                            "%s=%.200s is not allowed: use https://, or http:// to a loopback "
                            "address (127.0.0.0/8, localhost, [::1]) or 169.254.170.2, "
                            "169.254.170.23, [fd00:ec2::23]",
                            ENV_FULL, full);
    memcpy(url, full, strlen(full) + 1);
    return 1;
}

static void hand_out(const struct sw_creds_slot *s, struct sw_sigv4_credentials *out)
{
    out->access_key_id = s->access_key_id;
    out->secret_access_key = s->secret;
    out->session_token = s->token[0] ? s->token : NULL;
}

int sw_creds_get(struct sw_creds_provider *p, time_t now, struct sw_sigv4_credentials *out,
                 struct sw_error *err)
{
    char url[SW_CREDS_MAX_URI + 1];
    memset(out, 0, sizeof(*out));

    int rc = from_environment(p, err);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        p->source = SW_CREDS_ENVIRONMENT;
        hand_out(&p->current, out);
        return 0;
    }

    rc = from_profile(p, now, err);
    if (rc < 0) {
        p->source = SW_CREDS_NONE;
        return rc;
    }
    if (rc == 1) {
        if (p->current.set)
            sw_creds_slot_wipe(&p->current);
        p->source = SW_CREDS_PROFILE;
        hand_out(&p->profile, out);
        return 0;
    }

    rc = container_url(p->opt.env, url, sizeof(url), err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        if (p->current.set)
            sw_creds_slot_wipe(&p->current);
        p->source = SW_CREDS_NONE;
        return sw_error_set(err, SW_ECREDS,
                            "no AWS credentials found: looked for %s and %s in the environment, "
                            "then for the default profile in the shared files (~/.aws/credentials, "
                            "~/.aws/config; or set AWS_PROFILE), then for %s or %s (container "
                            "credentials); none is set",
                            ENV_KEY, ENV_SECRET, ENV_RELATIVE, ENV_FULL);
    }

    enum sw_creds_refresh need = p->container.set
                                     ? sw_creds_refresh_need(p->container.expiration, now)
                                     : SW_CREDS_REFRESH_MANDATORY;
    if (need != SW_CREDS_REFRESH_NONE) {
        struct sw_creds_slot old = p->container; /* kept for the advisory case */
        rc = sw_creds_container_fetch(&p->opt, url, &p->container, &p->fetches, err);
        if (rc == 0 &&
            sw_creds_refresh_need(p->container.expiration, now) == SW_CREDS_REFRESH_MANDATORY) {
            rc = sw_error_set(err, SW_ECREDS,
                              "credentials were refreshed from %s, but the refreshed credentials "
                              "are still expired (or expire within %d minutes)",
                              url, SW_CREDS_MANDATORY_REFRESH_S / 60);
            sw_creds_slot_wipe(&p->container);
        }
        if (rc && need == SW_CREDS_REFRESH_ADVISORY && old.set) {
            lr_log(LR_LOG_WARN,
                   "credentials: refresh before expiry failed, using the current ones: %s",
                   err ? err->msg : "");
            p->container = old;
            rc = 0;
        }
        sw_creds_slot_wipe(&old);
        if (rc) {
            sw_creds_slot_wipe(&p->container);
            sw_creds_slot_wipe(&p->current);
            p->source = SW_CREDS_NONE;
            return rc;
        }
    }
    if (p->current.set)
        sw_creds_slot_wipe(&p->current); /* environment credentials no longer in use */
    p->source = SW_CREDS_CONTAINER;
    hand_out(&p->container, out);
    return 0;
}
