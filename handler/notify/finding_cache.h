/* sw_finding_cache: duplicate-finding suppression (docs/contract.md §1.3, best effort).
 *
 * Inspector re-sends a finding unchanged (same findingArn, same updatedAt); the pipeline
 * notifies it once. The cache remembers the last SW_FINDING_CACHE_SIZE pairs as SHA-256
 * digests, oldest evicted first: a small bounded value the caller owns (no globals), so its
 * size is fixed whatever the input. Zero-initialise (or sw_finding_cache_init); no clear. */
#ifndef SW_FINDING_CACHE_H
#define SW_FINDING_CACHE_H

#include "handler/parse/events.h"

#include <stdbool.h>
#include <stddef.h>

#define SW_FINDING_CACHE_SIZE 256

struct sw_finding_cache {
    unsigned char keys[SW_FINDING_CACHE_SIZE][32];
    size_t count; /* entries in use */
    size_t next;  /* slot the next insert overwrites once full */
};

void sw_finding_cache_init(struct sw_finding_cache *c);

/* True when this finding's (findingArn, updatedAt) was added before. A finding without a
 * findingArn or updatedAt is never a duplicate. */
bool sw_finding_cache_contains(const struct sw_finding_cache *c, const struct sw_finding *f);

/* Remembers the finding (call after it was published). No-op without findingArn/updatedAt
 * or when already present. */
void sw_finding_cache_add(struct sw_finding_cache *c, const struct sw_finding *f);

#endif
