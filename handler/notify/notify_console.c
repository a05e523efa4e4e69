/* sw_notify_console: Amazon Inspector console links, by partition.
 *
 * The region is validated (sw_region_valid) before it becomes part of a host name, and an
 * image ARN is percent-encoded before it becomes part of a fragment, so a link built from
 * event fields always points at the AWS console. */
#include "handler/notify/notify_console.h"

#include "handler/core/ids.h"

#include <stdio.h>
#include <string.h>

static void url_encode(const char *s, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 4 < cap; p++) {
        unsigned char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
}

/* https://<host>/inspector/v2/home?region=<region>#/findings/<fragment>; 0 if no valid region. */
size_t sw_notify_console_url(const char *region, const char *fragment, char *out, size_t cap)
{
    int n;
    if (cap)
        out[0] = '\0';
    if (!region || !sw_region_valid(region, strlen(region)))
        return 0;
    if (strncmp(region, "cn-", 3) == 0)
        n = snprintf(out, cap, "https://%s.console.amazonaws.cn/inspector/v2/home?region=%s#/%s",
                     region, region, fragment);
    else if (strncmp(region, "us-gov-", 7) == 0)
        n = snprintf(out, cap,
                     "https://console.amazonaws-us-gov.com/inspector/v2/home?region=%s#/%s", region,
                     fragment);
    else
        n = snprintf(out, cap, "https://%s.console.aws.amazon.com/inspector/v2/home?region=%s#/%s",
                     region, region, fragment);
    if (n < 0 || (size_t)n >= cap) {
        if (cap)
            out[0] = '\0';
        return 0;
    }
    return (size_t)n;
}

size_t sw_notify_console_link(const struct sw_finding *f, char *out, size_t cap)
{
    return sw_notify_console_url(f->region, "findings/all", out, cap);
}

/* The container-image view of an ECR image ARN (the form AWS's own samples link to). */
size_t sw_notify_console_image_link(const char *region, const char *image_arn, char *out,
                                    size_t cap)
{
    char frag[SW_CONSOLE_LINK_MAX + 32];
    char enc[SW_CONSOLE_LINK_MAX];
    if (!image_arn || strncmp(image_arn, "arn:", 4) != 0 || !strstr(image_arn, ":ecr:") ||
        strlen(image_arn) * 3 + 32 >= sizeof(enc)) {
        if (cap)
            out[0] = '\0';
        return 0;
    }
    url_encode(image_arn, enc, sizeof(enc));
    snprintf(frag, sizeof(frag), "findings/container-image/%s", enc);
    return sw_notify_console_url(region, frag, out, cap);
}
