/* sw_notify_console: links into the Amazon Inspector console for a finding or scan.
 *
 * The console host depends on the partition (aws, aws-cn, aws-us-gov); a link is only
 * built for a valid region and an ECR image ARN, so event text never chooses the host.
 * Used by the finding and scan text and the finding document. Pure. */
#ifndef SW_NOTIFY_CONSOLE_H
#define SW_NOTIFY_CONSOLE_H

#include "handler/parse/events.h"

#include <stddef.h>

#define SW_CONSOLE_LINK_MAX 2048 /* bytes of a console link, NUL included */

/* https://<host>/inspector/v2/home?region=<region>#/<fragment> into out (cap bytes,
 * NUL-terminated); returns the length, 0 (out "") when the region is missing or invalid or
 * the link does not fit. */
size_t sw_notify_console_url(const char *region, const char *fragment, char *out, size_t cap);

/* Console link for a finding (all findings of its region): as sw_notify_console_url. See
 * README "Events and notifications". */
size_t sw_notify_console_link(const struct sw_finding *f, char *out, size_t cap);

/* The container-image view of an ECR image ARN (the form AWS's own samples link to); 0 when
 * image_arn is not an ECR ARN or the region is invalid. */
size_t sw_notify_console_image_link(const char *region, const char *image_arn, char *out,
                                    size_t cap);

#endif
