/* Helpers shared by the AWS client tests: read a data file under tests/aws/data. */
#ifndef SW_AWS_TEST_UTIL_H
#define SW_AWS_TEST_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

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

#endif
