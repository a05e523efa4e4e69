/* sw_finding_cache: the last findings notified, as fixed-size digests.
 *
 * A key is SHA-256 over the length of findingArn, findingArn and updatedAt, so two
 * different pairs never share a key and an entry is 32 bytes whatever the event sent. A
 * linear scan over 256 keys is cheaper than the event's JSON parse; no index is kept. */
#include "handler/notify/finding_cache.h"

#include <openssl/sha.h>
#include <stdint.h>
#include <string.h>

void sw_finding_cache_init(struct sw_finding_cache *c)
{
    memset(c, 0, sizeof(*c));
}

/* SHA-256 over len(findingArn) (8 bytes), findingArn, updatedAt: no two pairs collide. */
static bool cache_key(const struct sw_finding *f, unsigned char key[32])
{
    unsigned char buf[2 * SW_EVENT_STR_MAX + 16];
    if (!f->finding_arn || !f->updated_at_text)
        return false;
    size_t a = strlen(f->finding_arn);
    size_t b = strlen(f->updated_at_text);
    if (8 + a + b > sizeof(buf))
        return false;
    for (int i = 0; i < 8; i++)
        buf[i] = (unsigned char)((uint64_t)a >> (8 * i));
    memcpy(buf + 8, f->finding_arn, a);
    memcpy(buf + 8 + a, f->updated_at_text, b);
    SHA256(buf, 8 + a + b, key);
    return true;
}

bool sw_finding_cache_contains(const struct sw_finding_cache *c, const struct sw_finding *f)
{
    unsigned char key[32];
    if (!cache_key(f, key))
        return false;
    for (size_t i = 0; i < c->count; i++) {
        if (memcmp(c->keys[i], key, sizeof(key)) == 0)
            return true;
    }
    return false;
}

void sw_finding_cache_add(struct sw_finding_cache *c, const struct sw_finding *f)
{
    unsigned char key[32];
    if (!cache_key(f, key) || sw_finding_cache_contains(c, f))
        return;
    if (c->count < SW_FINDING_CACHE_SIZE) {
        memcpy(c->keys[c->count++], key, sizeof(key));
        return;
    }
    memcpy(c->keys[c->next], key, sizeof(key));
    c->next = (c->next + 1) % SW_FINDING_CACHE_SIZE;
}
