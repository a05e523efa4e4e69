/* sw_creds: the AWS credentials every request is signed with.
 *
 * Looks where the SDKs look inside Lambda, in order: the environment
 * (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN), then the profile of the
 * shared files (AWS_PROFILE, ~/.aws/credentials and ~/.aws/config: credentials_profile.h,
 * for the command line on a laptop), then the container
 * provider (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI, used by SnapStart,
 * ECS and EKS), caching container credentials and refreshing them before they expire.
 * The current time is an argument, so expiry is testable; secrets are wiped on free
 * and never reach a log line or an error message. The limits, the options and the container
 * fetch itself are in credentials_container.h. */
#ifndef SW_CREDENTIALS_H
#define SW_CREDENTIALS_H

#include "handler/aws/credentials_container.h"
#include "handler/aws/env.h"
#include "handler/aws/sigv4.h"
#include "handler/core/error.h"

#include <stdbool.h>
#include <time.h>

/* Where the current credentials came from. */
enum sw_creds_source {
    SW_CREDS_NONE = 0,
    SW_CREDS_ENVIRONMENT,
    SW_CREDS_PROFILE, /* the shared files (credentials_profile.h) */
    SW_CREDS_CONTAINER,
};

/* How urgently credentials expiring at expiration (0: never) need a refresh at now. */
enum sw_creds_refresh {
    SW_CREDS_REFRESH_NONE = 0,  /* 15 min or more left */
    SW_CREDS_REFRESH_ADVISORY,  /* under 15 min: refresh, keep the old ones on failure */
    SW_CREDS_REFRESH_MANDATORY, /* under 10 min: refresh or fail */
};

struct sw_creds_provider;

/* Creates a provider; nothing is read or fetched until sw_creds_get. opt may be NULL. */
struct sw_creds_provider *sw_creds_provider_new(const struct sw_creds_options *opt,
                                                struct sw_error *err);

/* Wipes the cached secrets and frees. NULL-safe. */
void sw_creds_provider_free(struct sw_creds_provider *p);

/* Current credentials at time now (UTC seconds). out borrows from p and stays valid until the
 * next sw_creds_get or sw_creds_provider_free. Environment credentials are re-read on every
 * call; container credentials are fetched when absent or under 10 minutes from expiry, and
 * re-fetched (old ones kept on failure, with a warning in the log) under 15 minutes.
 * Returns 0, or SW_ECREDS naming what was looked for / what the endpoint answered,
 * SW_ECONFIG (a disallowed container URL, a token with CR/LF, an unreadable token file),
 * SW_ENOMEM. */
int sw_creds_get(struct sw_creds_provider *p, time_t now, struct sw_sigv4_credentials *out,
                 struct sw_error *err);

/* Source and expiration (0: none) of the credentials the last successful sw_creds_get gave. */
enum sw_creds_source sw_creds_source(const struct sw_creds_provider *p);
time_t sw_creds_expiration(const struct sw_creds_provider *p);

/* Number of HTTP requests made to the container endpoint so far (tests, logs). */
long sw_creds_fetch_count(const struct sw_creds_provider *p);

/* Pure helpers, exposed for tests. */

/* The refresh window expiration falls in at now. */
enum sw_creds_refresh sw_creds_refresh_need(time_t expiration, time_t now);

/* True when the container provider may call url: any https:// URL; http:// only to a
 * loopback address (127.0.0.0/8, localhost, [::1]) or the ECS/EKS agents 169.254.170.2,
 * 169.254.170.23, [fd00:ec2::23]. Host names other than localhost are not resolved and so
 * not allowed over http. */
bool sw_creds_uri_allowed(const char *url);

#endif
