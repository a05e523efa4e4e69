/* sw_scan_names: scan frequency and rescan duration names (see scan_names.h). */
#include "handler/core/scan_names.h"

#include <string.h>

const char *const sw_scan_frequency_names[SW_SCAN_FREQUENCY_COUNT] = {"CONTINUOUS_SCAN",
                                                                      "SCAN_ON_PUSH"};
const char *const sw_rescan_duration_names[SW_RESCAN_DURATION_COUNT] = {
    "UNMANAGED", "LIFETIME", "DAYS_3",  "DAYS_7",  "DAYS_14",
    "DAYS_30",   "DAYS_60",  "DAYS_90", "DAYS_180"};

const char *sw_scan_frequency_name(enum sw_scan_frequency f)
{
    return (unsigned)f < SW_SCAN_FREQUENCY_COUNT ? sw_scan_frequency_names[f] : "UNKNOWN";
}

const char *sw_rescan_duration_name(enum sw_rescan_duration d)
{
    return (unsigned)d < SW_RESCAN_DURATION_COUNT ? sw_rescan_duration_names[d] : "UNKNOWN";
}

const char *sw_rescan_duration_find(const char *s)
{
    for (size_t i = SW_RESCAN_LIFETIME; s && i < SW_RESCAN_DURATION_COUNT; i++)
        if (strcmp(s, sw_rescan_duration_names[i]) == 0)
            return sw_rescan_duration_names[i];
    return NULL;
}
