/* Helpers shared by the AWS client tests: read a data file under tests/aws/data. */
#ifndef SW_AWS_TEST_UTIL_H
#define SW_AWS_TEST_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads SW_SOURCE_DIR/tests/aws/data/<rel> into a malloc'd NUL-terminated buffer, or NULL. */
static inline char *aws_test_read(const char *rel, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/aws/data/%s", SW_SOURCE_DIR, rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2 + 1);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        if (len)
            *len = n;
    }
    return buf;
}

/* True when text holds a run of 8 or more bytes that also occurs in secret (what the client's
 * redaction promises never happens for the credentials it signs with). */
static inline int aws_test_has_secret_run(const char *text, const char *secret)
{
    size_t tl = strlen(text), sl = secret ? strlen(secret) : 0;
    for (size_t i = 0; i + 8 <= tl; i++) {
        for (size_t j = 0; j + 8 <= sl; j++) {
            if (memcmp(text + i, secret + j, 8) == 0)
                return 1;
        }
    }
    return 0;
}

#endif
