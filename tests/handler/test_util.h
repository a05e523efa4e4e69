/* Helpers shared by the handler unit tests: locating and reading the sample events that
 * the tests share, vendored in tests/data/events (provenance: tests/data/events/SOURCES.md).
 * Header-only (static functions) so each test stays a single source file. */
#ifndef SW_TEST_HANDLER_UTIL_H
#define SW_TEST_HANDLER_UTIL_H

#include "handler/parse/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The test data folder (tests/data): $SW_TEST_DATA_DIR (set by ctest), else the path
 * configured at build time. */
static inline const char *tu_data_dir(void)
{
    const char *d = getenv("SW_TEST_DATA_DIR");
    return (d && d[0]) ? d : SW_TEST_DATA_DIR;
}

/* Reads tests/data/events/<rel> into a malloc'd, NUL-terminated buffer; fails the test if
 * absent. */
static inline char *tu_read_shared(const char *rel, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/events/%s", tu_data_dir(), rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Parses tests/data/events/<rel> into ev; fails the test on any error. */
static inline void tu_parse_shared(const char *rel, struct sw_event *ev)
{
    size_t len;
    char *buf = tu_read_shared(rel, &len);
    struct sw_error err = {0};
    int rc = sw_event_parse(buf, len, ev, &err);
    free(buf);
    if (rc != 0)
        fail_msg("%s: %s", rel, err.msg);
}

#endif
