/* The function's I/O for all its regions, made once for main.c and cli.c (wiring.h). */
#include "handler/io/wiring.h"

#include <string.h>

int sw_io_wiring_init(struct sw_io_wiring *w, const struct sw_config *cfg,
                      struct sw_aws_client *aws, struct sw_error *err)
{
    memset(w, 0, sizeof(*w));
    if (cfg->scope == SW_SCOPE_ORGANIZATION || cfg->region_count > 0) {
        int rc = sw_org_aws_io_init(&w->org, cfg, aws, err);
        if (rc != SW_OK)
            return rc;
    }
    /* After the organization side attached the region's rate gate to aws: the drift check's
     * siblings take it with them (aws/rate_gate.c). */
    sw_aws_io_init(&w->home, aws, cfg);
    w->function = (struct sw_function_wiring){.io = sw_aws_io_io(&w->home), .regions = w->regions};
    if (cfg->scope == SW_SCOPE_ORGANIZATION) {
        w->function.org = (struct sw_function_org_io){
            .ctx = &w->org, .check = sw_org_aws_io_check, .member = sw_org_aws_io_member};
    }
    for (size_t i = 0; i < w->org.region_count; i++) {
        if (!w->org.owned[i])
            continue; /* the function's own region: the home check */
        size_t k = w->function.region_count++;
        sw_aws_io_init(&w->region_states[k], w->org.clients[i], cfg);
        w->region_states[k].publish_aws = aws;
        w->regions[k].io = sw_aws_io_io(&w->region_states[k]);
        memcpy(w->regions[k].region, w->org.regions[i], sizeof(w->regions[k].region));
    }
    return SW_OK;
}

void sw_io_wiring_set_deadline(struct sw_io_wiring *w, long long deadline_ms)
{
    if (w->home.aws)
        sw_aws_client_set_deadline(w->home.aws, deadline_ms);
    for (size_t i = 0; i < w->org.region_count; i++)
        sw_aws_client_set_deadline(w->org.clients[i], deadline_ms);
}

void sw_io_wiring_clear(struct sw_io_wiring *w)
{
    for (size_t k = 0; k < w->function.region_count; k++)
        sw_aws_io_clear(&w->region_states[k]);
    w->function.region_count = 0;
    sw_aws_io_clear(&w->home); /* its siblings hold the region's rate gate: before the org */
    sw_org_aws_io_clear(&w->org);
}
