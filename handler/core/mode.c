/* sw_mode: the REMEDIATION_MODE names (see mode.h). */
#include "handler/core/mode.h"

const char *const sw_mode_names[SW_MODE_COUNT] = {"enforce", "dry-run", "off"};

const char *sw_mode_name(enum sw_mode m)
{
    return (unsigned)m < SW_MODE_COUNT ? sw_mode_names[m] : "UNKNOWN";
}
