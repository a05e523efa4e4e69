/* sw_clock: the project clock (contract in clock.h). */
#include "handler/core/clock.h"

#include <time.h>

int64_t sw_clock_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
