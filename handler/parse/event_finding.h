/* The Inspector2 kinds of event read into struct sw_event (see event_finding.c).
 * Internal to handler/parse/: events.c calls them once it has classified the event. */
#ifndef SW_EVENT_FINDING_H
#define SW_EVENT_FINDING_H

#include "handler/parse/event_read.h"

#include <cjson/cJSON.h>

/* An "Inspector2 Finding" detail d into px->ev->finding. */
void sw_event_finding_read(struct sw_evr *px, const cJSON *d);
/* An "Inspector2 Scan" detail d into px->ev->scan. */
void sw_event_scan_read(struct sw_evr *px, const cJSON *d);
/* An "Inspector2 Coverage" detail d (root: the whole event) into px->ev->coverage. */
void sw_event_coverage_read(struct sw_evr *px, const cJSON *d, const cJSON *root);

#endif
