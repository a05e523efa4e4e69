/* sw_evr: the bounded reading of an event's JSON that every per-kind parser uses.
 *
 * Strings are copied, capped on a UTF-8 boundary, into the event's arena (so one
 * sw_event_clear frees everything); getters treat a field of the wrong JSON type as
 * missing; account ids and regions are validated as they are read (handler/core/ids.h).
 * What each kind of event means is events.c's and event_finding.c's. */
#include "handler/parse/event_read.h"

#include "handler/core/ids.h"
#include "handler/core/text.h"
#include "handler/core/timeparse.h"

#include <math.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 8192 /* bytes of an ordinary arena block */

struct sw_event_arena {
    struct sw_event_arena *next;
    size_t used;
    size_t cap;
    alignas(max_align_t) char data[];
};

/* ---- arena ---- */

void *sw_evr_alloc(struct sw_event_arena **arena, size_t n)
{
    const size_t align = alignof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    struct sw_event_arena *a = *arena;
    if (a && a->cap - a->used >= n) {
        void *p = a->data + a->used;
        a->used += n;
        return p;
    }
    if (n > ARENA_BLOCK / 4) {
        /* A big request gets its own block, linked behind the current one. */
        struct sw_event_arena *big = malloc(sizeof(*big) + n);
        if (!big)
            return NULL;
        big->used = n;
        big->cap = n;
        if (a) {
            big->next = a->next;
            a->next = big;
        } else {
            big->next = NULL;
            *arena = big;
        }
        return big->data;
    }
    struct sw_event_arena *b = malloc(sizeof(*b) + ARENA_BLOCK);
    if (!b)
        return NULL;
    b->next = a;
    b->used = n;
    b->cap = ARENA_BLOCK;
    *arena = b;
    return b->data;
}

const char *sw_evr_keep(struct sw_evr *px, const char *s, size_t len, size_t max)
{
    size_t marker = 0;
    if (len > max) {
        len = sw_text_utf8_prefix(s, len, max - (sizeof(SW_EVENT_CUT_MARKER) - 1));
        marker = sizeof(SW_EVENT_CUT_MARKER) - 1;
    }
    char *p = sw_evr_alloc(px->arena, len + marker + 1);
    if (!p) {
        px->oom = true;
        return NULL;
    }
    memcpy(p, s, len);
    memcpy(p + len, SW_EVENT_CUT_MARKER, marker);
    p[len + marker] = '\0';
    return p;
}

/* ---- typed getters: the wrong type is "missing" ---- */

const char *sw_evr_item_str(struct sw_evr *px, const cJSON *v, size_t max)
{
    const char *s = sw_evr_raw_str(v);
    if (!s)
        return NULL;
    return sw_evr_keep(px, s, strnlen(s, max + 1), max);
}

const char *sw_evr_str(struct sw_evr *px, const cJSON *o, const char *key, size_t max)
{
    return sw_evr_item_str(px, sw_evr_get(o, key), max);
}

/* An account id (12 digits) or a region name (handler/core/ids.h) read from the event; NULL when
 * absent or malformed, so that a bad value is never printed, sent as a message attribute or
 * compared as if it were an account or region. */
const char *sw_evr_account(struct sw_evr *px, const cJSON *o, const char *key)
{
    const char *s = sw_evr_raw_str(sw_evr_get(o, key));
    return sw_account_id_ok(s) ? sw_evr_keep(px, s, SW_ACCOUNT_ID_LEN, SW_ACCOUNT_ID_LEN) : NULL;
}

const char *sw_evr_region(struct sw_evr *px, const cJSON *o, const char *key)
{
    const char *s = sw_evr_raw_str(sw_evr_get(o, key));
    return sw_region_ok(s) ? sw_evr_keep(px, s, strlen(s), SW_REGION_NAME_MAX) : NULL;
}

bool sw_evr_num(const cJSON *o, const char *key, double *out)
{
    const cJSON *v = sw_evr_get(o, key);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return false;
    *out = v->valuedouble;
    return true;
}

int64_t sw_evr_time(const char *s)
{
    return s ? sw_time_parse(s, strlen(s)) : SW_TIME_NONE;
}

bool sw_evr_contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++) {
        size_t i = 0;
        while (i < n && p[i]) {
            char a = p[i];
            if (a >= 'A' && a <= 'Z')
                a = (char)(a - 'A' + 'a');
            if (a != needle[i])
                break;
            i++;
        }
        if (i == n)
            return true;
    }
    return false;
}

/* ---- limits before parsing ---- */

void sw_evr_arena_free(struct sw_event_arena *a)
{
    while (a) {
        struct sw_event_arena *next = a->next;
        free(a);
        a = next;
    }
}
