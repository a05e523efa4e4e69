/* sw_aws_error: what AWS said when it refused a request, kept verbatim.
 *
 * Each protocol reports errors its own way (restJson1: x-amzn-ErrorType header;
 * awsJson1_1: body "__type"; awsQuery: XML <Error><Code>; moto's IAM layer: XML
 * even for JSON services). This turns any of them into one struct whose code,
 * message and request id go into notifications unchanged. Pure: no I/O. */
#ifndef SW_AWS_ERROR_H
#define SW_AWS_ERROR_H

#include "handler/aws/http.h"

#include <stddef.h>

#define SW_AWS_ERROR_CODE_MAX 128
#define SW_AWS_ERROR_MESSAGE_MAX 1024
#define SW_AWS_REQUEST_ID_MAX 128
#define SW_AWS_ERROR_BODY_MAX ((size_t)1024 * 1024) /* larger error bodies are not parsed */

enum sw_aws_protocol {
    SW_AWS_PROTOCOL_REST_JSON1 = 0, /* Inspector2 */
    SW_AWS_PROTOCOL_JSON_1_1,       /* ECR */
    SW_AWS_PROTOCOL_QUERY,          /* SNS */
};

struct sw_aws_error {
    long http_status;                       /* 0 when no HTTP answer arrived */
    char code[SW_AWS_ERROR_CODE_MAX];       /* sanitized: "AccessDeniedException", "NotFound" */
    char message[SW_AWS_ERROR_MESSAGE_MAX]; /* AWS's text up to any echo of what was signed
                                               (cut on a UTF-8 boundary), may be "" */
    char request_id[SW_AWS_REQUEST_ID_MAX]; /* x-amzn-RequestId / x-amz-request-id / XML */
};

void sw_aws_error_clear(struct sw_aws_error *e);

/* Fills out from a non-2xx answer. Error code from, in order: restJson1 the x-amzn-ErrorType
 * header then body "code" then "__type"; awsJson1_1 body "__type" then "code" then the header;
 * then, for every protocol, an XML <Error><Code> (ErrorResponse/Error or Errors/Error);
 * when none is found, "HTTP <status>". Message from "message"/"Message" or XML
 * <Error><Message>; when none and the body is not JSON/XML, a short description of it.
 * Request id from x-amzn-RequestId, x-amz-request-id, else XML <RequestId>. A message is cut
 * where it starts quoting the canonical request or the string to sign (sw_redact_signing_echo);
 * credentials are taken out by the client (sw_aws_call), which knows them. Never fails. */
void sw_aws_error_parse(enum sw_aws_protocol protocol, const struct sw_http_response *resp,
                        struct sw_aws_error *out);

/* Sanitizes an error type per the Smithy protocols: cut at the first ':', keep what follows
 * the last '#'. "com.amazonaws.inspector2#ThrottlingException" -> "ThrottlingException".
 * Writes at most cap-1 bytes and a NUL; returns the length written. */
size_t sw_aws_error_sanitize_code(const char *raw, size_t len, char *out, size_t cap);

/* "ThrottlingException: Rate exceeded (HTTP 429, request id abc)". Returns the length. */
size_t sw_aws_error_format(const struct sw_aws_error *e, char *out, size_t cap);

#endif
