/* sw_drift: desired vs actual ECR scanning state -> drifts and the writes that restore it.
 *
 * Pure and bounded: the caller has read the state (Inspector2 BatchGetAccountStatus,
 * ECR GetRegistryScanningConfiguration, Inspector2 GetConfiguration) into borrowed
 * structs; this file only compares, merges the registry rules (README "Drift check")
 * and plans the writes as typed actions. Building the requests and performing them is the
 * AWS I/O adapter's job (aws_io.c, with the builders of handler/aws/). */
#include "handler/decide/drift.h"

#include "handler/core/ids.h"
#include "handler/core/scan_names.h"

#include "handler/core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENHANCED "ENHANCED"
#define WILDCARD "WILDCARD"
#define ELLIPSIS "..."

const char *sw_drift_name_str(enum sw_drift_name name)
{
    switch (name) {
    case SW_DRIFT_INSPECTOR_ECR:
        return "inspector_ecr";
    case SW_DRIFT_REGISTRY_SCAN_TYPE:
        return "registry_scan_type";
    case SW_DRIFT_REGISTRY_RULE:
        return "registry_rule";
    case SW_DRIFT_RESCAN_DURATION:
        return "rescan_duration";
    }
    return "unknown";
}

const char *sw_drift_api_name(enum sw_drift_api api)
{
    switch (api) {
    case SW_DRIFT_API_INSPECTOR2_ENABLE:
        return "inspector2:Enable";
    case SW_DRIFT_API_ECR_PUT_REGISTRY_SCANNING:
        return "ecr:PutRegistryScanningConfiguration";
    case SW_DRIFT_API_INSPECTOR2_UPDATE_CONFIGURATION:
        return "inspector2:UpdateConfiguration";
    }
    return "unknown";
}

bool sw_drift_rescan_valid(const char *value)
{
    return sw_rescan_duration_find(value) != NULL;
}

static bool str_eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static bool is_wildcard(const struct sw_drift_filter *f)
{
    return f->filter_type == NULL || strcmp(f->filter_type, WILDCARD) == 0;
}

/* Copies s into out[cap], ending in "..." when it does not fit. */
static void copy_text(char *out, size_t cap, const char *s, size_t len)
{
    if (len < cap) {
        memcpy(out, s, len);
        out[len] = '\0';
        return;
    }
    size_t keep = cap - sizeof(ELLIPSIS);
    memcpy(out, s, keep);
    memcpy(out + keep, ELLIPSIS, sizeof(ELLIPSIS));
}

/* Appends "FREQ [f1, f2]; FREQ [f3]" for the rules, or "no rules". Stops once the text is
 * longer than SW_DRIFT_TEXT_MAX (copy_text then ends it in "..."); each append is at most
 * TEXT_PIECE_MAX bytes, so a buffer of SW_DRIFT_TEXT_MAX + TEXT_PIECE_MAX never overflows. */
#define TEXT_PIECE_MAX 320
#define TEXT_BUF_MAX (SW_DRIFT_TEXT_MAX + 2 * TEXT_PIECE_MAX)
static void describe_rules(struct sw_buf *b, const struct sw_drift_rule *rules, size_t n)
{
    if (n == 0) {
        (void)sw_buf_append_str(b, "no rules");
        return;
    }
    for (size_t i = 0; i < n && b->len < SW_DRIFT_TEXT_MAX; i++) {
        const struct sw_drift_rule *r = &rules[i];
        (void)sw_buf_appendf(b, "%s%.64s [", i ? "; " : "",
                             r->scan_frequency ? r->scan_frequency : "(no frequency)");
        for (size_t j = 0; j < r->filter_count && b->len < SW_DRIFT_TEXT_MAX; j++) {
            const struct sw_drift_filter *f = &r->filters[j];
            (void)sw_buf_appendf(b, "%s%.255s%s%.32s", j ? ", " : "", f->filter ? f->filter : "",
                                 is_wildcard(f) ? "" : " ", is_wildcard(f) ? "" : f->filter_type);
        }
        (void)sw_buf_append_char(b, ']');
    }
}

static struct sw_drift_item *add_item(struct sw_drift_plan *p, enum sw_drift_name name,
                                      const char *before, const char *after)
{
    struct sw_drift_item *it = &p->items[p->item_count++];
    it->name = name;
    copy_text(it->before, sizeof(it->before), before, strlen(before));
    copy_text(it->after, sizeof(it->after), after, strlen(after));
    return it;
}

/* Records the action (its typed parameters are the plan's target; see drift.h). */
static void add_action(struct sw_drift_plan *p, enum sw_drift_api api, const char *summary)
{
    struct sw_drift_action *a = &p->actions[p->action_count++];
    a->api = api;
    copy_text(a->summary, sizeof(a->summary), summary, strlen(summary));
}

void sw_drift_plan_clear(struct sw_drift_plan *plan)
{
    if (!plan)
        return;
    for (size_t i = 0; i < SW_DRIFT_RULES_MAX; i++) {
        struct sw_drift_filter *fs = plan->target_filters[i];
        for (size_t j = 0; fs && j < plan->target_rules[i].filter_count; j++)
            free((char *)fs[j].filter);
        free(fs);
    }
    memset(plan, 0, sizeof(*plan));
}

/* --- registry rules -------------------------------------------------------------------- */

/* True when a rule of frequency freq holds every desired filter as a WILDCARD filter. */
static bool rules_cover(const struct sw_actual_state *a, const char *freq,
                        const struct sw_desired_state *d)
{
    for (size_t i = 0; i < a->rule_count; i++) {
        const struct sw_drift_rule *r = &a->rules[i];
        if (!str_eq(r->scan_frequency, freq))
            continue;
        size_t found = 0;
        for (size_t k = 0; k < d->filter_count; k++) {
            for (size_t j = 0; j < r->filter_count; j++) {
                if (is_wildcard(&r->filters[j]) && str_eq(r->filters[j].filter, d->filters[k])) {
                    found++;
                    break;
                }
            }
        }
        if (found == d->filter_count)
            return true;
    }
    return false;
}

/* Adds filter to target rule slot (dedup, at most SW_DRIFT_FILTERS_MAX). Returns 0, 1 when
 * it was left out (duplicate or full: *dropped counts the full case), or SW_ENOMEM. */
static int target_add_filter(struct sw_drift_plan *p, size_t slot, const char *filter,
                             size_t *dropped)
{
    struct sw_drift_rule *r = &p->target_rules[slot];
    struct sw_drift_filter *fs = p->target_filters[slot];
    for (size_t j = 0; j < r->filter_count; j++) {
        if (strcmp(fs[j].filter, filter) == 0)
            return 1;
    }
    if (r->filter_count >= SW_DRIFT_FILTERS_MAX) {
        (*dropped)++;
        return 1;
    }
    char *copy = strdup(filter);
    if (!copy)
        return SW_ENOMEM;
    fs[r->filter_count].filter = copy;
    fs[r->filter_count].filter_type = WILDCARD;
    r->filter_count++;
    return 0;
}

/* Adds the valid WILDCARD filters of every actual rule of frequency freq to slot. */
static int target_merge_rules(struct sw_drift_plan *p, size_t slot, const char *freq,
                              const struct sw_actual_state *a, size_t *dropped)
{
    for (size_t i = 0; i < a->rule_count; i++) {
        const struct sw_drift_rule *r = &a->rules[i];
        if (!str_eq(r->scan_frequency, freq))
            continue;
        for (size_t j = 0; j < r->filter_count; j++) {
            const struct sw_drift_filter *f = &r->filters[j];
            if (!is_wildcard(f) || !sw_repository_filter_ok(f->filter)) {
                (*dropped)++;
                continue;
            }
            if (target_add_filter(p, slot, f->filter, dropped) < 0)
                return SW_ENOMEM;
        }
    }
    return 0;
}

/* Builds p->target's registry part: ENHANCED, the desired rule first (desired filters, then
 * the user's filters of the same frequency), then the user's rules of the other ENHANCED
 * frequency merged into one. Rules of any other frequency (MANUAL, unknown) and invalid or
 * surplus filters are dropped and counted. */
static int build_target_rules(struct sw_drift_plan *p, const struct sw_desired_state *d,
                              const struct sw_actual_state *a, size_t *dropped_rules,
                              size_t *dropped_filters, struct sw_error *err)
{
    const char *want = sw_scan_frequency_name(d->scan_frequency);
    const char *other = sw_scan_frequency_name(
        d->scan_frequency == SW_SCAN_FREQUENCY_CONTINUOUS_SCAN ? SW_SCAN_FREQUENCY_SCAN_ON_PUSH
                                                               : SW_SCAN_FREQUENCY_CONTINUOUS_SCAN);
    for (size_t s = 0; s < SW_DRIFT_RULES_MAX; s++) {
        p->target_filters[s] = calloc(SW_DRIFT_FILTERS_MAX, sizeof(*p->target_filters[s]));
        if (!p->target_filters[s])
            goto out_nomem;
        p->target_rules[s].filters = p->target_filters[s];
    }
    p->target_rules[0].scan_frequency = want;
    p->target_rules[1].scan_frequency = other;
    for (size_t k = 0; k < d->filter_count; k++) {
        if (target_add_filter(p, 0, d->filters[k], dropped_filters) < 0)
            goto out_nomem;
    }
    if (target_merge_rules(p, 0, want, a, dropped_filters) < 0 ||
        target_merge_rules(p, 1, other, a, dropped_filters) < 0)
        goto out_nomem;
    for (size_t i = 0; i < a->rule_count; i++) {
        const char *f = a->rules[i].scan_frequency;
        if (!str_eq(f, want) && !str_eq(f, other))
            (*dropped_rules)++;
    }
    p->target.scan_type = ENHANCED;
    p->target.rules = p->target_rules;
    p->target.rule_count = p->target_rules[1].filter_count ? 2 : 1;
    return 0;

out_nomem:
    return sw_error_set(err, SW_ENOMEM, "drift: out of memory building the registry rules");
}

static int registry_part(struct sw_drift_plan *p, const struct sw_desired_state *d,
                         const struct sw_actual_state *a, struct sw_error *err)
{
    const char *scan_type = a->scan_type ? a->scan_type : "BASIC";
    bool enhanced = strcmp(scan_type, ENHANCED) == 0;
    bool covered = rules_cover(a, sw_scan_frequency_name(d->scan_frequency), d);
    struct sw_buf before = {0}, after = {0}, summary = {0};
    size_t dropped_rules = 0, dropped_filters = 0;

    /* Enabling Inspector for ECR switches the registry to ENHANCED on its own, but the
     * rules must still be ours: the write is planned from the state as read. */
    if (enhanced && covered)
        return 0;
    int rc = build_target_rules(p, d, a, &dropped_rules, &dropped_filters, err);
    if (rc)
        return rc;
    sw_buf_init(&before, TEXT_BUF_MAX);
    sw_buf_init(&after, TEXT_BUF_MAX);
    sw_buf_init(&summary, TEXT_BUF_MAX);
    if (!enhanced) {
        char shown[96];
        snprintf(shown, sizeof(shown), "%.64s%s", scan_type,
                 a->scan_type ? "" : " (no configuration)");
        add_item(p, SW_DRIFT_REGISTRY_SCAN_TYPE, shown, ENHANCED);
    }
    if (!covered) {
        describe_rules(&before, a->rules, a->rule_count);
        describe_rules(&after, p->target.rules, p->target.rule_count);
        if (dropped_rules || dropped_filters)
            (void)sw_buf_appendf(&after,
                                 " (dropped: %zu rule(s) not valid under ENHANCED, "
                                 "%zu invalid or surplus filter(s))",
                                 dropped_rules, dropped_filters);
        add_item(p, SW_DRIFT_REGISTRY_RULE, sw_buf_cstr(&before), sw_buf_cstr(&after));
    }
    (void)sw_buf_append_str(&summary, "ecr:PutRegistryScanningConfiguration (scanType ENHANCED, "
                                      "rules: ");
    describe_rules(&summary, p->target.rules, p->target.rule_count);
    (void)sw_buf_append_char(&summary, ')');
    add_action(p, SW_DRIFT_API_ECR_PUT_REGISTRY_SCANNING, sw_buf_cstr(&summary));
    sw_buf_clear(&summary);
    sw_buf_clear(&after);
    sw_buf_clear(&before);
    return 0;
}

/* --- the decision ---------------------------------------------------------------------- */

static int check_inputs(const struct sw_desired_state *d, const struct sw_actual_state *a,
                        struct sw_error *err)
{
    if (!sw_account_id_ok(d->account_id))
        return sw_error_set(err, SW_EINVAL, "drift: account id \"%.32s\" is not 12 digits",
                            d->account_id ? d->account_id : "");
    if (!sw_region_ok(d->region) ||
        strlen(d->region) >= sizeof(((struct sw_drift_plan *)0)->region))
        return sw_error_set(err, SW_EINVAL, "drift: region \"%.40s\" is not a region name",
                            d->region ? d->region : "");
    if (d->filter_count == 0 || !d->filters)
        return sw_error_set(err, SW_EINVAL, "REPOSITORY_FILTERS: no filter (use * for all)");
    if (d->filter_count > SW_DRIFT_FILTERS_MAX)
        return sw_error_set(err, SW_EINVAL,
                            "REPOSITORY_FILTERS: %zu filters, ECR accepts at "
                            "most %d per rule",
                            d->filter_count, SW_DRIFT_FILTERS_MAX);
    for (size_t k = 0; k < d->filter_count; k++) {
        if (!sw_repository_filter_ok(d->filters[k]))
            return sw_error_set(err, SW_EINVAL,
                                "REPOSITORY_FILTERS: \"%.64s\" is not a valid ECR filter "
                                "(1-255 characters of a-z 0-9 * and single . _ - / between them)",
                                d->filters[k] ? d->filters[k] : "");
    }
    if (d->rescan_duration && !sw_drift_rescan_valid(d->rescan_duration))
        return sw_error_set(err, SW_EINVAL,
                            "ECR_RESCAN_DURATION: \"%.32s\" is not LIFETIME, DAYS_3, DAYS_7, "
                            "DAYS_14, DAYS_30, DAYS_60, DAYS_90 or DAYS_180",
                            d->rescan_duration);
    if (a->rule_count > SW_DRIFT_READ_RULES_MAX || (a->rule_count && !a->rules))
        return sw_error_set(err, SW_ELIMIT,
                            "drift: registry has %zu scanning rules, more than "
                            "the %d this function reads",
                            a->rule_count, SW_DRIFT_READ_RULES_MAX);
    for (size_t i = 0; i < a->rule_count; i++) {
        if (a->rules[i].filter_count > SW_DRIFT_READ_FILTERS_MAX ||
            (a->rules[i].filter_count && !a->rules[i].filters))
            return sw_error_set(err, SW_ELIMIT,
                                "drift: registry rule %zu has %zu filters, more "
                                "than the %d this function reads",
                                i, a->rules[i].filter_count, SW_DRIFT_READ_FILTERS_MAX);
    }
    return 0;
}

static void inspector_part(struct sw_drift_plan *p, const struct sw_desired_state *d,
                           const struct sw_actual_state *a)
{
    const char *status = a->inspector_ecr_status;
    char before[96], summary[128];

    if (str_eq(status, "ENABLED") || str_eq(status, "ENABLING"))
        return;
    snprintf(before, sizeof(before), "%.64s", status ? status : "DISABLED (account not listed)");
    add_item(p, SW_DRIFT_INSPECTOR_ECR, before, "ENABLED");
    p->target.inspector_ecr_status = "ENABLED";

    snprintf(summary, sizeof(summary), "inspector2:Enable (resourceTypes [ECR], accountIds [%s])",
             d->account_id);
    add_action(p, SW_DRIFT_API_INSPECTOR2_ENABLE, summary);
}

static void rescan_part(struct sw_drift_plan *p, const struct sw_desired_state *d,
                        const struct sw_actual_state *a)
{
    char before[96], summary[128];

    if (!d->rescan_duration || str_eq(a->rescan_duration, d->rescan_duration))
        return;
    snprintf(before, sizeof(before), "%.64s",
             a->rescan_duration ? a->rescan_duration : "(not returned)");
    add_item(p, SW_DRIFT_RESCAN_DURATION, before, d->rescan_duration);
    const char *known = sw_rescan_duration_find(d->rescan_duration);
    if (known)
        p->target.rescan_duration = known; /* static, outlives desired */

    snprintf(summary, sizeof(summary),
             "inspector2:UpdateConfiguration (ecrConfiguration.rescanDuration %s)",
             d->rescan_duration);
    add_action(p, SW_DRIFT_API_INSPECTOR2_UPDATE_CONFIGURATION, summary);
}

int sw_drift_decide(const struct sw_desired_state *desired, const struct sw_actual_state *actual,
                    struct sw_drift_plan *out, struct sw_error *err)
{
    int rc;

    sw_drift_plan_clear(out);
    out->mode = desired->mode;
    out->execute = desired->mode == SW_MODE_ENFORCE;
    if (desired->mode == SW_MODE_OFF)
        return 0;
    rc = check_inputs(desired, actual, err);
    if (rc)
        goto out_clear;
    snprintf(out->account_id, sizeof(out->account_id), "%s", desired->account_id);
    snprintf(out->region, sizeof(out->region), "%s", desired->region);
    out->checked = true;

    /* The target starts as the actual state; each part replaces what it restores. */
    out->target = *actual;
    inspector_part(out, desired, actual);
    rc = registry_part(out, desired, actual, err);
    if (rc)
        goto out_clear;
    rescan_part(out, desired, actual);
    return 0;

out_clear:
    sw_drift_plan_clear(out);
    return rc;
}
