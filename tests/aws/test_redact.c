/* Redaction of credentials from the AWS client's messages (handler/aws/redact.c): the cut at
 * AWS's echo of what was signed, and every run of 8 or more bytes of a secret replaced, checked
 * against realistic texts, a 16 KiB token, UTF-8, and many random texts against a brute-force
 * reference (aws_test_has_secret_run). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "aws/aws_test_util.h"
#include "handler/aws/redact.h"

#include <stdlib.h>
#include <string.h>

/* The fake credentials of tests/aws/data/errors/ref-*-signature-echo.json */
#define AKID "ASIAQNZGKEXAMPLE7KQ3"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN                                                                                      \
    "IQoJb3JpZ2luX2VjE6K41lWiSFRx2OkUqYPHWfKmZiy7vRRYEGl+d7ly+h3KzlgicpYqV1JcX/Ewb+zWz+XCW5+3bma2" \
    "UBV4LayKwnuiuNZVokhUcdjpFKmDx1nypmYsu70UWBBpfne5cvodys5YInKWKldSXF/xMG/s1s/lwluft25mtlAVeC2s" \
    "isJ7orjWVaJIVHHY6RSpg8dZ8qZmLLu9FFgQaX53uXL6HcrOWCJylipXUlxf8TBv7NbP5cJbn7duZrZQFXgtrIrCe"

static const char *const CREDS[] = {AKID, SECRET, TOKEN};
#define NCREDS (sizeof(CREDS) / sizeof(CREDS[0]))

static void assert_clean(const char *text)
{
    for (size_t i = 0; i < NCREDS; i++) {
        if (aws_test_has_secret_run(text, CREDS[i]))
            fail_msg("a run of credential %zu remains in: %s", i, text);
    }
}

static void signing_echo_is_cut_where_aws_starts_quoting(void **state)
{
    const char *lead = "The request signature we calculated does not match the signature you "
                       "provided.";
    char msg[512];
    snprintf(msg, sizeof(msg),
             "%s \n\nThe Canonical String for this request should have been\n'POST\n/\n'\n\n"
             "The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n...'",
             lead);
    assert_int_equal(sw_redact_signing_echo(msg, strlen(msg)), strlen(lead));
    snprintf(msg, sizeof(msg), "%s the string-to-sign SHOULD HAVE BEEN 'x'", lead);
    assert_int_equal(sw_redact_signing_echo(msg, strlen(msg)), strlen(lead));
    assert_int_equal(sw_redact_signing_echo(lead, strlen(lead)), strlen(lead));
    assert_int_equal(sw_redact_signing_echo("", 0), 0);
}

static void every_run_of_eight_or_more_is_replaced(void **state)
{
    char text[1024];
    snprintf(text, sizeof(text),
             "Credential=%s/20261207/us-east-1/sns/aws4_request x-amz-security-token:%s "
             "key part K7MDENG+bPx, short part K7MDENG, id tail E7KQ3",
             AKID, TOKEN);
    size_t len = sw_redact(text, CREDS, NCREDS);
    assert_int_equal(len, strlen(text));
    assert_clean(text);
    assert_string_equal(text, "Credential=[secret]/20261207/us-east-1/sns/aws4_request "
                              "x-amz-security-token:[secret] key part [secret], short part "
                              "K7MDENG, id tail E7KQ3");
}

static void adjacent_runs_become_one_mark_and_text_never_grows(void **state)
{
    char text[256];
    /* a token run straight after a secret run, then exactly 8 bytes of the id */
    snprintf(text, sizeof(text), "<%.12s%.20s|%.8s>", SECRET + 5, TOKEN + 100, AKID + 4);
    size_t before = strlen(text);
    size_t len = sw_redact(text, CREDS, NCREDS);
    assert_true(len <= before);
    assert_string_equal(text, "<[secret]|[secret]>");
    /* nothing to do: no secret, short secrets, empty text */
    strcpy(text, "AccessDeniedException: not authorized");
    assert_int_equal(sw_redact(text, CREDS, NCREDS), strlen("AccessDeniedException: not "
                                                            "authorized"));
    const char *none[] = {NULL, "short", ""};
    strcpy(text, "short and shorter");
    sw_redact(text, none, 3);
    assert_string_equal(text, "short and shorter");
    text[0] = '\0';
    assert_int_equal(sw_redact(text, CREDS, NCREDS), 0);
}

static void finds_says_whether_apply_would_change_the_text(void **state)
{
    struct sw_redactor r;
    sw_redactor_init(&r, CREDS, NCREDS);
    assert_true(sw_redactor_finds(&r, "token " TOKEN));
    assert_true(sw_redactor_finds(&r, "...zWz+XCW5...")); /* 8 bytes of the token */
    assert_false(sw_redactor_finds(&r, "...zWz+XCW...")); /* 7 */
    assert_false(sw_redactor_finds(&r, ""));
    sw_redactor_clear(&r);
}

static void utf8_characters_stay_whole(void **state)
{
    const char *secret[] = {"p\xc3\xa4sswort-geheim-\xc3\xb6l"};
    char text[128];
    /* the run found starts and ends inside 2-byte characters' neighbours */
    snprintf(text, sizeof(text), "x\xc3\xa4sswort-geheim-\xc3\xb6y");
    sw_redact(text, secret, 1);
    assert_string_equal(text, "x[secret]y");
}

static void a_16_kib_token_is_found_anywhere(void **state)
{
    size_t tl = 16384;
    char *token = malloc(tl + 1);
    char *text = malloc(4096);
    assert_non_null(token);
    assert_non_null(text);
    uint32_t x = 12345;
    for (size_t i = 0; i < tl; i++) {
        x = x * 1103515245u + 12345u;
        token[i] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[(x >> 16) % 64];
    }
    token[tl] = '\0';
    const char *secrets[] = {AKID, SECRET, token};
    snprintf(text, 4096, "head %.1000s mid %.9s end", token + 15000, token + 7);
    sw_redact(text, secrets, 3);
    assert_string_equal(text, "head [secret] mid [secret] end");
    free(text);
    free(token);
}

static void random_texts_keep_no_run_of_any_credential(void **state)
{
    /* Texts made of credential fragments (1..24 bytes) and filler, redacted, then checked
     * against the brute-force reference; whatever is not a credential run is kept. */
    struct sw_redactor r;
    sw_redactor_init(&r, CREDS, NCREDS);
    uint32_t x = 2026;
    for (int round = 0; round < 2000; round++) {
        char text[600];
        size_t n = 0;
        while (n < 500) {
            x = x * 1103515245u + 12345u;
            uint32_t pick = (x >> 16) % 5;
            size_t take = 1 + (x >> 8) % 24;
            if (pick < NCREDS) {
                const char *s = CREDS[pick];
                size_t sl = strlen(s);
                size_t at = (x >> 3) % sl;
                if (take > sl - at)
                    take = sl - at;
                memcpy(text + n, s + at, take);
            } else {
                memset(text + n, " .:-"[(x >> 4) % 4], take);
            }
            n += take;
        }
        text[n] = '\0';
        size_t len = sw_redactor_apply(&r, text);
        assert_true(len <= n);
        assert_int_equal(strlen(text), len);
        assert_clean(text);
    }
    sw_redactor_clear(&r);
    sw_redactor_clear(&r); /* cleared twice: harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signing_echo_is_cut_where_aws_starts_quoting),
        cmocka_unit_test(every_run_of_eight_or_more_is_replaced),
        cmocka_unit_test(adjacent_runs_become_one_mark_and_text_never_grows),
        cmocka_unit_test(finds_says_whether_apply_would_change_the_text),
        cmocka_unit_test(utf8_characters_stay_whole),
        cmocka_unit_test(a_16_kib_token_is_found_anywhere),
        cmocka_unit_test(random_texts_keep_no_run_of_any_credential),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
