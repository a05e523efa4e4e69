/* sw_sts: STS GetCallerIdentity (awsQuery), the account the credentials belong to.
 *
 * The operator command line has no invoked function ARN; it learns its own account from
 * the credentials it runs with. GetCallerIdentity needs no IAM permission (AWS: "No
 * permissions are required to perform this operation"). The answer is XML, read with
 * sw_xml; the account is checked against the account id syntax (handler/core/ids.h). */
#ifndef SW_STS_H
#define SW_STS_H

#include "handler/aws/client.h"

#include <stddef.h>

#define SW_STS_ACCOUNT_MAX 13 /* 12 digits + NUL */

/* The request body (Action=GetCallerIdentity&Version=2011-06-15). */
extern const char SW_STS_GET_CALLER_IDENTITY_BODY[];

/* Account from <GetCallerIdentityResponse><GetCallerIdentityResult><Account>: 0, or
 * SW_EPARSE when the answer has no 12-digit account (err says why). */
int sw_sts_parse_caller_identity(const char *xml, size_t len, char account[SW_STS_ACCOUNT_MAX],
                                 struct sw_error *err);

/* Calls GetCallerIdentity and writes the caller's account into account. Returns 0 or the
 * error of sw_aws_call (aerr filled for SW_EAWS; may be NULL) / the parse. */
int sw_sts_get_caller_identity(struct sw_aws_client *c, char account[SW_STS_ACCOUNT_MAX],
                               struct sw_aws_error *aerr, struct sw_error *err);

/* sts:AssumeRole of role_arn as session_name, for a profile with role_arn + source_profile
 * (handler/aws/credentials_profile.h). The temporary credentials go into out (expiration
 * set). Returns 0, the error of sw_aws_call, or SW_EPARSE (an answer without them). */
struct sw_creds_slot;
int sw_sts_assume_role(struct sw_aws_client *c, const char *role_arn, const char *session_name,
                       struct sw_creds_slot *out, struct sw_aws_error *aerr, struct sw_error *err);

/* The credentials of an AssumeRole answer into out (wiped first): 0 (out->set; key id, secret
 * and session token non-empty, without control characters; an expiration after 1970), or
 * SW_EPARSE (out stays wiped). */
int sw_sts_parse_assume_role(const char *xml, size_t len, struct sw_creds_slot *out,
                             struct sw_error *err);

#endif
