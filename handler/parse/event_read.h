/* sw_evr: bounded reading of event JSON into an event's arena (see event_read.c).
 * Internal to handler/parse/: events.c and event_finding.c read through it. */
#ifndef SW_EVENT_READ_H
#define SW_EVENT_READ_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Cut strings end with this marker (within the byte limit, on a UTF-8 boundary). */
#define SW_EVENT_CUT_MARKER "..."

struct sw_event;       /* handler/parse/events.h: filled by the per-kind parsers */
struct sw_event_arena; /* event_read.c: the memory behind the event's strings */

/* One parse in progress: the event being filled, its arena, and whether memory ran out
 * (then the parse fails with SW_ENOMEM once it ends). This reader knows nothing of the
 * event's fields, so the event parsers depend on it and not the other way round. */
struct sw_evr {
    struct sw_event *ev;
    struct sw_event_arena **arena; /* &ev->arena */
    bool oom;
};

/* n bytes (aligned) from the arena *arena (a new block is linked in when needed); NULL when
 * out of memory. */
void *sw_evr_alloc(struct sw_event_arena **arena, size_t n);
/* Frees an arena chain (sw_event_clear). NULL-safe. */
void sw_evr_arena_free(struct sw_event_arena *a);
/* Copies s[0..len), cut to max bytes on a UTF-8 boundary with the marker. NULL: no memory
 * (recorded in px->oom). */
const char *sw_evr_keep(struct sw_evr *px, const char *s, size_t len, size_t max);
/* o[key] when o is an object; else NULL. The getters are inline: every field read calls them. */
static inline const cJSON *sw_evr_get(const cJSON *o, const char *key)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}
/* o[key] when it is an object; else NULL. */
static inline const cJSON *sw_evr_obj(const cJSON *o, const char *key)
{
    const cJSON *v = sw_evr_get(o, key);
    return cJSON_IsObject(v) ? v : NULL;
}
/* o[key] when it is an array; else NULL. */
static inline const cJSON *sw_evr_arr(const cJSON *o, const char *key)
{
    const cJSON *v = sw_evr_get(o, key);
    return cJSON_IsArray(v) ? v : NULL;
}
/* The raw string (borrowed from the tree), or NULL when absent, not a string, or empty. */
static inline const char *sw_evr_raw_str(const cJSON *v)
{
    if (!v || !cJSON_IsString(v) || !v->valuestring || !v->valuestring[0])
        return NULL;
    return v->valuestring;
}
/* The string v, kept (capped at max); NULL when not a non-empty string. */
const char *sw_evr_item_str(struct sw_evr *px, const cJSON *v, size_t max);
/* The string o[key], kept (capped at max); NULL when absent. */
const char *sw_evr_str(struct sw_evr *px, const cJSON *o, const char *key, size_t max);
/* An account id (12 digits) or a region name read from the event; NULL when absent or
 * malformed, so that a bad value is never printed, sent or compared as if it were one. */
const char *sw_evr_account(struct sw_evr *px, const cJSON *o, const char *key);
const char *sw_evr_region(struct sw_evr *px, const cJSON *o, const char *key);
/* Both non-NULL and equal. */
static inline bool sw_evr_eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}
/* o[key] as a finite number; false when missing or not a number. */
bool sw_evr_num(const cJSON *o, const char *key, double *out);
/* An RFC 3339 timestamp in Unix ms, or SW_TIME_NONE (handler/core/timeparse.h). */
int64_t sw_evr_time(const char *s);
/* hay contains needle, ASCII case ignored; false when either is NULL. */
bool sw_evr_contains_nocase(const char *hay, const char *needle);

#endif
