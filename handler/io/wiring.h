/* sw_io_wiring: the function's AWS I/O for every region it checks, put together in one place
 * for the Lambda entry point (main.c) and the operator command line (cli.c), so that
 * `bootstrap --event` runs the same pipeline as Lambda: the function's own region (aws_io.c),
 * REGIONS' other regions (each its own client and adapter, publishing through the function's
 * own client) and, with SCOPE=organization, the members' check and the membership lookup
 * (org_aws_io.c). */
#ifndef SW_IO_WIRING_H
#define SW_IO_WIRING_H

#include "handler/aws/client.h"
#include "handler/function.h"
#include "handler/io/aws_io.h"
#include "handler/io/org_aws_io.h"
#include "handler/parse/config.h"

#include <stddef.h>

/* Long-lived: made at start, kept across warm invocations (owned by main or the command line;
 * large, so allocate it rather than keep it on the stack). */
struct sw_io_wiring {
    struct sw_aws_io home;    /* the function's own region */
    struct sw_org_aws_io org; /* REGIONS' clients; SCOPE=organization: the members too */
    /* REGIONS beyond the function's own, in function.regions' order. */
    struct sw_aws_io region_states[SW_CFG_REGIONS_MAX];
    struct sw_function_region regions[SW_CFG_REGIONS_MAX];
    /* What sw_function_init takes: points into this struct. */
    struct sw_function_wiring function;
};

/* Sets up w over cfg and aws (both borrowed, must outlive w). Returns 0, or a negative SW_E*
 * with err set (REGIONS' clients or the organization side cannot be made: an invalid
 * configuration); sw_io_wiring_clear releases w either way. */
int sw_io_wiring_init(struct sw_io_wiring *w, const struct sw_config *cfg,
                      struct sw_aws_client *aws, struct sw_error *err);

/* Sets the deadline of every client of w (the invocation's, or 0 for none). */
void sw_io_wiring_set_deadline(struct sw_io_wiring *w, long long deadline_ms);

/* Releases what w made; call it before freeing the client given to init. */
void sw_io_wiring_clear(struct sw_io_wiring *w);

#endif
