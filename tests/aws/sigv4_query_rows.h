/* Canonical query strings of odd query shapes: test_sigv4_unit checks our signer gives
 * `want` for `in`, and test_sigv4_botocore checks that botocore 1.43 gives the same `want`
 * for the same `in`, so no expectation here is ours alone.
 *
 * Sources:
 * - AWS: "Create a signed AWS API request" (IAM User Guide,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html):
 *   the canonical query string URI-encodes each parameter name and value separately
 *   (UriEncode: every byte but A-Z a-z 0-9 - . _ ~ as %XY with uppercase hex, the space as
 *   %20 and not '+'), gives a parameter without a value an empty value ("name="), and sorts
 *   the pairs by name, then value, in character code order, after encoding.
 * - botocore: botocore.auth.SigV4Auth signing the parameters a service reads from `in`
 *   (tests/aws/botocore_sign.py, query_mode "decoded": split on '&' and the first '=',
 *   percent-decoded per RFC 3986, where '+' is a plus and a '%' without two hex digits a
 *   literal '%'). botocore given `in` verbatim in the URL instead signs it unchanged (it
 *   assumes an SDK serializer already encoded it canonically): for the rows marked
 *   "verbatim differs" that would not be the string the service computes from the
 *   parameters it received, so the documented encoding is the right one.
 */
#ifndef SW_TEST_SIGV4_QUERY_ROWS_H
#define SW_TEST_SIGV4_QUERY_ROWS_H

struct sigv4_query_row {
    const char *in;
    const char *want;
};

static const struct sigv4_query_row sigv4_query_rows[] = {
    {"", ""},                           /* AWS: no query, an empty string; botocore */
    {"a", "a="},                        /* AWS: a name without a value gets "="; botocore */
    {"a=", "a="},                       /* AWS; botocore */
    {"b=2&a=1", "a=1&b=2"},             /* AWS: sorted by name; botocore */
    {"a=2&a=1&a=10", "a=1&a=10&a=2"},   /* AWS: same name, by value, code order; botocore */
    {"%7e=%2a", "~=%2A"},               /* AWS: '~' unreserved, '*' as uppercase %2A; botocore
                                           (verbatim differs: "%7e=%2a") */
    {"%c3%a9=%C3%A9", "%C3%A9=%C3%A9"}, /* AWS: uppercase hex; botocore (verbatim differs) */
    {"a+b=c d", "a%2Bb=c%20d"},         /* AWS: space as %20, '+' encoded; botocore decoding '+' as
                                           a plus, as RFC 3986 does (verbatim differs) */
    {"k=%zz&k=%4", "k=%254&k=%25zz"},   /* AWS: a literal '%' is %25; botocore with '%zz' and a
                                           cut '%4' read literally (verbatim differs) */
    {"a=1=2", "a=1%3D2"},               /* AWS: '=' in a value is %3D; botocore (verbatim
                                           differs) */
    {"&", "=&="},                       /* botocore: empty segments are empty pairs (AWS does
                                           not cover empty names) */
    {"b=1&&a=2", "=&a=2&b=1"},          /* botocore, as above */
    {"B=1&a=1&_=1", "B=1&_=1&a=1"},     /* AWS: code order, upper < '_' < lower; botocore */
    {"%E1%88%B4=v&Z=1", "%E1%88%B4=v&Z=1"}, /* AWS: UTF-8 bytes, already canonical; botocore */
};

#define SIGV4_QUERY_ROWS (sizeof(sigv4_query_rows) / sizeof(sigv4_query_rows[0]))

#endif
