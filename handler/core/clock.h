/* sw_clock: the project clock, for deadlines and timings.
 *
 * One clock for the AWS client (handler/aws/) and the product code: Unix epoch
 * milliseconds from CLOCK_REALTIME, the clock Lambda deadlines use. Pure code takes
 * the time as an argument; only the I/O layers call this. */
#ifndef SW_CLOCK_H
#define SW_CLOCK_H

#include <stdint.h>

/* Unix epoch milliseconds (CLOCK_REALTIME). */
int64_t sw_clock_now_ms(void);

#endif
