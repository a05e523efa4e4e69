/* sw_ids: the syntax of the AWS identifiers scanwarden trusts, in one place.
 *
 * An account id is 12 digits; a region is [a-z]{2}(-[a-z]+)+-[0-9]{1,2} (us-east-1,
 * us-gov-west-1, cn-north-1). Every account or region read from an event, an ARN, the
 * environment or a command line is checked here before it is used or printed. An ECR
 * repository filter is checked here too: the configuration, the drift decision and the
 * ECR client all use this one rule. */
#ifndef SW_IDS_H
#define SW_IDS_H

#include <stdbool.h>
#include <stddef.h>

#define SW_ACCOUNT_ID_LEN 12             /* digits of an AWS account id */
#define SW_REGION_NAME_MAX 32            /* bytes of a region name */
#define SW_REPOSITORY_FILTER_LEN_MAX 255 /* bytes of an ECR repository filter */

/* True when s[0..len) is exactly 12 ASCII digits. */
bool sw_account_id_valid(const char *s, size_t len);

/* True when s[0..len) is a region name (see above), at most SW_REGION_NAME_MAX bytes. */
bool sw_region_valid(const char *s, size_t len);

/* The same for a NUL-terminated string; false for NULL. */
bool sw_account_id_ok(const char *s);
bool sw_region_ok(const char *s);

/* True when s is an ECR repository filter: 1-255 bytes matching
 * ^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$ (lower-case only); false for NULL. */
bool sw_repository_filter_ok(const char *s);

#endif
