/* Closing the loop in Security Hub (docs/contract.md, "Security Hub findings"): after a drift
 * check triggered by a Security Hub finding for control Inspector.2 or ECR.1, what to write
 * back on that finding. Pure: the pipeline performs it through its I/O. */
#ifndef SW_SECHUB_CLOSE_H
#define SW_SECHUB_CLOSE_H

#include "handler/decide/drift.h"

#include <stdbool.h>
#include <stddef.h>

#define SW_SECHUB_NOTE_MAX 512 /* Security Hub's Note.Text limit */
#define SW_SECHUB_UPDATED_BY "scanwarden"

struct sw_sechub_close {
    bool due;             /* false: the finding is left alone */
    const char *workflow; /* "RESOLVED", "NOTIFIED", or NULL to leave the status (a note only) */
    char note[SW_SECHUB_NOTE_MAX + 1]; /* what was (or would be) restored, or what failed */
};

/* From the plan of the check (NULL or unchecked: mode off or the state could not be read)
 * and, in enforce, its results[0..result_count):
 * - nothing drifted, mode off, or no plan: not due;
 * - enforce, every action succeeded: RESOLVED, note "scanwarden restored ...";
 * - enforce, an action failed or was not attempted: the status left, note of what failed;
 * - dry-run: NOTIFIED, note "scanwarden (dry-run) would restore ...".
 * The note lists the drifted settings (before -> after), cut to SW_SECHUB_NOTE_MAX bytes. */
void sw_sechub_close_decide(const struct sw_drift_plan *plan,
                            const struct sw_action_result *results, size_t result_count,
                            struct sw_sechub_close *out);

#endif
