/* sw_scan_names: the names AWS gives the scanning settings scanwarden manages, listed once.
 *
 * ECR's scanFrequency (CONTINUOUS_SCAN, SCAN_ON_PUSH) and Inspector's
 * ecrConfiguration.rescanDuration (LIFETIME, DAYS_3 ... DAYS_180). The configuration
 * parses SCAN_FREQUENCY and ECR_RESCAN_DURATION with these tables, and the drift decision
 * compares and writes the same strings. */
#ifndef SW_SCAN_NAMES_H
#define SW_SCAN_NAMES_H

enum sw_scan_frequency { SW_SCAN_FREQUENCY_CONTINUOUS_SCAN = 0, SW_SCAN_FREQUENCY_SCAN_ON_PUSH };
#define SW_SCAN_FREQUENCY_COUNT 2

/* Inspector's ecrConfiguration.rescanDuration. UNMANAGED: ECR_RESCAN_DURATION unset. */
enum sw_rescan_duration {
    SW_RESCAN_UNMANAGED = 0,
    SW_RESCAN_LIFETIME,
    SW_RESCAN_DAYS_3,
    SW_RESCAN_DAYS_7,
    SW_RESCAN_DAYS_14,
    SW_RESCAN_DAYS_30,
    SW_RESCAN_DAYS_60,
    SW_RESCAN_DAYS_90,
    SW_RESCAN_DAYS_180
};
#define SW_RESCAN_DURATION_COUNT 9

/* The names by enum value ("UNMANAGED" first, which is not an AWS value). */
extern const char *const sw_scan_frequency_names[SW_SCAN_FREQUENCY_COUNT];
extern const char *const sw_rescan_duration_names[SW_RESCAN_DURATION_COUNT];

/* The name of a value, or "UNKNOWN" out of range. */
const char *sw_scan_frequency_name(enum sw_scan_frequency f);
const char *sw_rescan_duration_name(enum sw_rescan_duration d);

/* The static name of the AWS rescan duration spelled s (LIFETIME ... DAYS_180, exact case),
 * or NULL (also for NULL and "UNMANAGED"). */
const char *sw_rescan_duration_find(const char *s);

#endif
