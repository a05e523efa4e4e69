/* sw_org_aws_io: the AWS I/O of organization mode (SCOPE=organization, docs/contract.md §1.4).
 *
 * For each region of REGIONS (one AWS client each; the function's own client for its
 * region): lists the associated members (ListMembers, every page), reads their ECR status
 * with BatchGetAccountStatus and enables the drifted ones with Enable, in batches of 100,
 * stopping cleanly before the invocation deadline. It keeps, per region, where the next
 * run starts (best effort: lost on a cold start, when org.c derives it from the hour).
 * Decisions are org.c's; this file only calls AWS and records what happened. */
#ifndef SW_ORG_AWS_IO_H
#define SW_ORG_AWS_IO_H

#include "handler/aws/client.h"
#include "handler/aws/rate_gate.h"
#include "handler/parse/config.h"
#include "handler/decide/org.h"

#include <stdbool.h>
#include <stddef.h>

/* Long-lived (owned by main, survives warm invocations). */
struct sw_org_aws_io {
    const struct sw_config *cfg; /* borrowed */
    size_t region_count;
    char regions[SW_CFG_REGIONS_MAX][SW_CFG_REGION_MAX + 1];
    struct sw_aws_client *clients[SW_CFG_REGIONS_MAX];
    bool owned[SW_CFG_REGIONS_MAX]; /* created here (else the function's own client) */
    /* Each region's second connection (a sibling of its client, made at init; NULL: none):
     * the status reads that overlap the member paging (docs/organization.md, "Concurrency"). */
    struct sw_aws_client *siblings[SW_CFG_REGIONS_MAX];
    /* Each region's requests-per-second ceiling and shared backoff (MAX_AWS_REQUESTS_PER_SECOND),
     * attached to its client (the function's own too, detached again by the clear). */
    struct sw_rate_gate gates[SW_CFG_REGIONS_MAX];
    size_t gate_count;
    struct sw_aws_client *home; /* borrowed */
    /* Where the next run starts, per region: the account id of the member the last run in
     * this process stopped at (have_offset), and whether that run was cut: then the next one
     * reads in the rotating order only, without the reads that overlap the paging (which
     * follow the pages' order), so that every run progresses from the offset. */
    bool have_offset[SW_CFG_REGIONS_MAX];
    char offset[SW_CFG_REGIONS_MAX][SW_ORG_ID_MAX];
    bool last_cut[SW_CFG_REGIONS_MAX];
    size_t first_region;              /* the region the next run starts with */
    struct sw_org_call_bounds bounds; /* the client's retries, for the reserve */
    /* The member list of the membership region (the home client's, else the first), sorted:
     * from the last check or lookup (owned). A lookup's listing (members_looked_up) is kept
     * with its invocation's deadline (members_deadline_ms), which tells the invocation apart
     * (0, no deadline, is the command line: one event per process), so the same invocation
     * neither lists twice for its lookups nor again for its check. */
    size_t member_region;
    char **members;
    size_t member_count;
    bool members_looked_up;
    long long members_deadline_ms;
};

/* Sets up s for cfg's REGIONS (the home client's region when unset). home is the function's
 * client (borrowed; it gets its region's rate gate until the clear); other regions get their
 * own client. Returns 0, or an SW_E* with err set
 * (a client could not be created). */
int sw_org_aws_io_init(struct sw_org_aws_io *s, const struct sw_config *cfg,
                       struct sw_aws_client *home, struct sw_error *err);

/* Frees the clients created here. Safe on a zeroed struct. */
void sw_org_aws_io_clear(struct sw_org_aws_io *s);

/* Runs the organization check of every region for the delegated administrator admin_account
 * (excluded from the members: the account check handles it), ORG_REGION_CONCURRENCY regions
 * at a time, each on its own client (one thread each, joined before it returns). execute: enforce
 * (Enable the drifted members); else only report. deadline_ms: Unix epoch ms, 0 = none. Fills out
 * (cleared first). Failures are recorded in out per region and per account, never returned: returns
 * 0, or SW_ENOMEM. ctx is a struct sw_org_aws_io (the sw_function_io org_check callback). */
int sw_org_aws_io_check(void *ctx, const char *admin_account, bool execute, long long deadline_ms,
                        struct sw_org_report *out);

/* Whether account is a current member of admin_account's organization: looked up in the
 * member list kept from the last check or lookup; when it is not there, listed again
 * (ListMembers, every page, before deadline_ms), since it may have joined since. Returns 0
 * with *is_member set, or an SW_E* with err naming the failed call. ctx is a struct
 * sw_org_aws_io (the sw_function_org_io member callback). */
int sw_org_aws_io_member(void *ctx, const char *admin_account, const char *account,
                         long long deadline_ms, bool *is_member, struct sw_error *err);

#endif
