/* sw_creds container provider: one fetch of credentials from the container endpoint
 * (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI, used by SnapStart, ECS and EKS),
 * with the authorization token from AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE), attempts
 * with a delay between, and the answer parsed into fixed buffers. credentials.c chooses
 * between the environment and this provider and caches the result. Also the limits and
 * options of the credential providers and their secret-handling helpers. */
#ifndef SW_CREDENTIALS_CONTAINER_H
#define SW_CREDENTIALS_CONTAINER_H

#include "handler/aws/env.h"
#include "handler/aws/sigv4.h"
#include "handler/core/error.h"

#include <stdbool.h>
#include <time.h>

#define SW_CREDS_MAX_ACCESS_KEY_ID SW_SIGV4_MAX_ACCESS_KEY_ID
#define SW_CREDS_MAX_SECRET SW_SIGV4_MAX_SECRET
#define SW_CREDS_MAX_TOKEN SW_SIGV4_MAX_SESSION_TOKEN
#define SW_CREDS_MAX_AUTH_TOKEN 16384          /* container Authorization token (value or file) */
#define SW_CREDS_MAX_RESPONSE (64 * 1024)      /* container endpoint response body */
#define SW_CREDS_MAX_URI 2048                  /* container credentials URL */
#define SW_CREDS_ADVISORY_REFRESH_S (15 * 60)  /* < 15 min left: try to refresh, keep on failure */
#define SW_CREDS_MANDATORY_REFRESH_S (10 * 60) /* < 10 min left: refresh or fail */
#define SW_CREDS_FETCH_TIMEOUT_MS 2000L        /* per attempt, like botocore */
#define SW_CREDS_FETCH_ATTEMPTS 3
#define SW_CREDS_RETRY_DELAY_MS 1000L     /* between attempts */
#define SW_CREDS_ECS_HOST "169.254.170.2" /* base of AWS_CONTAINER_CREDENTIALS_RELATIVE_URI */

struct sw_creds_options {
    const struct sw_env *env;             /* NULL: the process environment */
    long timeout_ms;                      /* per attempt; 0: SW_CREDS_FETCH_TIMEOUT_MS */
    int attempts;                         /* 0: SW_CREDS_FETCH_ATTEMPTS */
    long retry_delay_ms;                  /* 0: SW_CREDS_RETRY_DELAY_MS; < 0: no delay (tests) */
    void (*sleep_ms)(void *ctx, long ms); /* NULL: nanosleep */
    void *sleep_ctx;
};

/* ---- shared by the providers ---- */

/* One set of credentials, in fixed buffers so that no copy is left behind by realloc. */
struct sw_creds_slot {
    char access_key_id[SW_CREDS_MAX_ACCESS_KEY_ID + 1];
    char secret[SW_CREDS_MAX_SECRET + 1];
    char token[SW_CREDS_MAX_TOKEN + 1];
    time_t expiration; /* 0: does not expire */
    bool set;
};

/* Wipes s (OPENSSL_cleanse): no secret is left behind. */
void sw_creds_slot_wipe(struct sw_creds_slot *s);

struct cJSON;
/* Deletes a parsed credentials answer (NULL-safe), wiping its top-level strings first: they
 * hold the secret key and the session token. */
void sw_creds_json_delete(struct cJSON *root);

/* True when s has a control character (below space, or DEL). */
bool sw_creds_has_ctl(const char *s);

/* Copies src into dst (cap bytes). False when it does not fit. */
bool sw_creds_copy_secret(char *dst, size_t cap, const char *src);

/* Parses an RFC 3339 UTC time ("2016-02-25T06:03:31Z", fractional seconds and a +hh:mm
 * offset accepted) into *out, an expiration: a time at or before the epoch (1970-01-01T00:00:00Z)
 * is refused, since an expiration of 0 means "does not expire". Returns 0 or SW_EPARSE. */
int sw_creds_parse_time(const char *s, time_t *out);

/* Fetches credentials from url into out: o->attempts attempts, o->retry_delay_ms apart,
 * o->timeout_ms each (o's zero fields already replaced by the defaults); *fetches counts the
 * HTTP requests. Returns 0, SW_ECREDS (what the endpoint answered, or a transport failure),
 * SW_ECONFIG (a token with CR/LF or control characters, an unreadable token file) or
 * SW_ENOMEM. */
int sw_creds_container_fetch(const struct sw_creds_options *o, const char *url,
                             struct sw_creds_slot *out, long *fetches, struct sw_error *err);

#endif
