/* fuzz_events: libFuzzer entry point for the event parser and the finding-side builders.
 *
 * Any bytes go through sw_event_parse; whatever parses is classified, decided and, for
 * finding-side kinds, turned into a notification whose docs/contract.md §4 limits are checked. A
 * crash, a sanitizer report, a leak or a broken limit is a finding of the fuzzer. */
#include "handler/parse/events.h"
#include "handler/notify/notify_event.h"
#include "handler/core/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sw_event ev;
    struct sw_error err = {0};
    if (sw_event_parse((const char *)data, size, &ev, &err) == 0) {
        for (int min = SW_SEVERITY_UNTRIAGED; min <= SW_SEVERITY_CRITICAL; min += 2) {
            (void)sw_notify_event_verdict(&ev, (enum sw_severity)min);
            struct sw_notification n;
            sw_notification_init(&n);
            if (sw_notify_event_build(&ev, (enum sw_severity)min, INT64_C(1728518400000), &n,
                                      &err) == 0) {
                size_t len = strlen(n.subject);
                if (len > SW_SUBJECT_MAX_CHARS || strchr(n.subject, '\n'))
                    abort();
                if (n.message.len > SW_SNS_MESSAGE_MAX_BYTES ||
                    !sw_text_utf8_valid(sw_buf_cstr(&n.message), n.message.len))
                    abort();
            }
            sw_notification_clear(&n);
        }
    }
    sw_event_clear(&ev);
    return 0;
}
