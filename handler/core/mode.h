/* sw_mode: REMEDIATION_MODE (docs/contract.md §3), the one remediation-mode enum every
 * layer uses: configuration parses it, drift.c plans by it, the notifications and the
 * result name it. */
#ifndef SW_MODE_H
#define SW_MODE_H

enum sw_mode {
    SW_MODE_ENFORCE = 0, /* restore what drifted */
    SW_MODE_DRY_RUN,     /* same plan, not executed; notify "would restore" */
    SW_MODE_OFF          /* no check at all: the plan stays empty and unchecked */
};
#define SW_MODE_COUNT 3

/* "enforce", "dry-run", "off": the REMEDIATION_MODE values, indexed by enum sw_mode. */
extern const char *const sw_mode_names[SW_MODE_COUNT];

/* The mode's REMEDIATION_MODE value ("UNKNOWN" for a value outside the enum). */
const char *sw_mode_name(enum sw_mode m);

#endif
