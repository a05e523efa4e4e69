/* sw_event_*_read: the Inspector2 kinds of event (finding, scan, coverage) read into
 * struct sw_event (docs/contract.md §2): the finding's package, CVSS, tags and image, the
 * scan's severity counts, the coverage change. The envelope and the classification that
 * chooses one of these are events.c's; the bounded reading is event_read.c's. */
#include "handler/parse/event_finding.h"

#include "handler/core/ids.h"
#include "handler/core/text.h"
#include "handler/parse/event_read.h"
#include "handler/parse/event.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CVSS_EXAMINED_MAX 32 /* cvss[] entries looked at */
#define NUMBER_MAX 1e15      /* counts above this are treated as missing */

/* Up to SW_EVENT_TAGS_MAX strings of a JSON array of strings. */
static void keep_tags(struct sw_evr *px, const cJSON *arr, const char ***out, size_t *count,
                      size_t *omitted)
{
    size_t n = (size_t)cJSON_GetArraySize(arr);
    size_t take = n < SW_EVENT_TAGS_MAX ? n : SW_EVENT_TAGS_MAX;
    size_t kept = 0;
    const char **tags = NULL;
    if (take) {
        tags = sw_evr_alloc(px->arena, take * sizeof(*tags));
        if (!tags) {
            px->oom = true;
            return;
        }
    }
    size_t i = 0;
    for (const cJSON *t = arr ? arr->child : NULL; t && i < take; t = t->next, i++) {
        const char *s = sw_evr_item_str(px, t, SW_EVENT_STR_MAX);
        if (s)
            tags[kept++] = s;
    }
    *out = tags;
    *count = kept;
    *omitted = n - take;
}

/* Repository and digest from an ECR ARN: arn:aws:ecr:r:a:repository/<name>[/sha256:<hex>]. */
static void split_ecr_arn(struct sw_evr *px, const char *arn, const char **repo,
                          const char **digest)
{
    const char *p = arn ? strstr(arn, ":repository/") : NULL;
    if (!p || strncmp(arn, "arn:", 4) != 0)
        return;
    p += strlen(":repository/");
    const char *d = strstr(p, "/sha256:");
    size_t n = d ? (size_t)(d - p) : strlen(p);
    if (n && !*repo)
        *repo = sw_evr_keep(px, p, n, SW_EVENT_STR_MAX);
    if (d && !*digest)
        *digest = sw_evr_keep(px, d + 1, strlen(d + 1), SW_EVENT_STR_MAX);
}

/* "3.1" -> 31, "2.0" -> 20; 0 when unknown. */
static int cvss_rank(const char *version)
{
    if (!version || version[0] < '0' || version[0] > '9')
        return 0;
    int r = (version[0] - '0') * 10;
    if (version[1] == '.' && version[2] >= '0' && version[2] <= '9')
        r += version[2] - '0';
    return r;
}

static void parse_cvss(struct sw_evr *px, const cJSON *d, const cJSON *pvd)
{
    struct sw_finding *f = &px->ev->finding;
    const cJSON *best = NULL;
    int best_rank = -1;
    size_t examined = 0;
    const cJSON *list = sw_evr_arr(pvd, "cvss");
    for (const cJSON *c = list ? list->child : NULL; c && examined < CVSS_EXAMINED_MAX;
         c = c->next, examined++) {
        double score;
        if (!sw_evr_num(c, "baseScore", &score))
            continue;
        int rank = cvss_rank(sw_evr_raw_str(sw_evr_get(c, "version")));
        if (rank > best_rank) {
            best = c;
            best_rank = rank;
        }
    }
    if (best) {
        sw_evr_num(best, "baseScore", &f->cvss_base_score);
        f->has_cvss = true;
        f->cvss_vector = sw_evr_str(px, best, "scoringVector", SW_EVENT_STR_MAX);
        f->cvss_source = sw_evr_str(px, best, "source", SW_EVENT_STR_MAX);
        f->cvss_version = sw_evr_str(px, best, "version", SW_EVENT_STR_MAX);
        return;
    }
    /* Inspector's adjusted CVSS when the package details carry none. */
    const cJSON *adj = sw_evr_obj(sw_evr_obj(d, "inspectorScoreDetails"), "adjustedCvss");
    if (sw_evr_num(adj, "score", &f->cvss_base_score)) {
        f->has_cvss = true;
        f->cvss_vector = sw_evr_str(px, adj, "scoringVector", SW_EVENT_STR_MAX);
        f->cvss_source = sw_evr_str(px, adj, "scoreSource", SW_EVENT_STR_MAX);
        f->cvss_version = sw_evr_str(px, adj, "version", SW_EVENT_STR_MAX);
    }
}

static void parse_packages(struct sw_evr *px, const cJSON *pvd)
{
    struct sw_finding *f = &px->ev->finding;
    const cJSON *list = sw_evr_arr(pvd, "vulnerablePackages");
    size_t n = (size_t)cJSON_GetArraySize(list);
    size_t take = n < SW_EVENT_PACKAGES_MAX ? n : SW_EVENT_PACKAGES_MAX;
    if (!take)
        return;
    f->packages = sw_evr_alloc(px->arena, take * sizeof(*f->packages));
    if (!f->packages) {
        px->oom = true;
        return;
    }
    size_t i = 0;
    for (const cJSON *p = list->child; p && i < take; p = p->next, i++) {
        struct sw_vulnerable_package *vp = &f->packages[i];
        memset(vp, 0, sizeof(*vp));
        vp->name = sw_evr_str(px, p, "name", SW_EVENT_STR_MAX);
        vp->fixed_in_version = sw_evr_str(px, p, "fixedInVersion", SW_EVENT_STR_MAX);
        vp->package_manager = sw_evr_str(px, p, "packageManager", SW_EVENT_STR_MAX);
        vp->file_path = sw_evr_str(px, p, "filePath", SW_EVENT_STR_MAX);
        /* Installed version: [epoch:]version[-release], as the fixed version is written. */
        const char *version = sw_evr_raw_str(sw_evr_get(p, "version"));
        const char *release = sw_evr_raw_str(sw_evr_get(p, "release"));
        double epoch = 0;
        bool has_epoch = sw_evr_num(p, "epoch", &epoch) && epoch >= 1 && epoch < 1e9;
        if (version) {
            char buf[SW_EVENT_STR_MAX + 64];
            const int half = SW_EVENT_STR_MAX / 2;
            int len;
            if (has_epoch)
                len = snprintf(buf, sizeof(buf), "%.0f:%.*s%s%.*s", epoch, half, version,
                               release ? "-" : "", half, release ? release : "");
            else
                len = snprintf(buf, sizeof(buf), "%.*s%s%.*s", half, version, release ? "-" : "",
                               half, release ? release : "");
            if (len > 0) {
                size_t total = (size_t)len < sizeof(buf) ? (size_t)len : sizeof(buf) - 1;
                vp->version = sw_evr_keep(px, buf, total, SW_EVENT_STR_MAX);
            }
        }
    }
    f->package_count = i;
    f->packages_omitted = n - i;
}

/* The region field of an ARN (arn:partition:service:region:...), copied; NULL if none or
 * not a region name. */
static const char *arn_region(struct sw_evr *px, const char *arn)
{
    if (!arn || strncmp(arn, "arn:", 4) != 0)
        return NULL;
    const char *p = strchr(arn + 4, ':');
    p = p ? strchr(p + 1, ':') : NULL;
    if (!p)
        return NULL;
    const char *e = strchr(p + 1, ':');
    if (!e || !sw_region_valid(p + 1, (size_t)(e - p - 1)))
        return NULL;
    return sw_evr_keep(px, p + 1, (size_t)(e - p - 1), SW_REGION_NAME_MAX);
}

void sw_event_finding_read(struct sw_evr *px, const cJSON *d)
{
    struct sw_event *ev = px->ev;
    struct sw_finding *f = &ev->finding;
    double x;

    f->finding_arn = sw_evr_str(px, d, "findingArn", SW_EVENT_STR_MAX);
    f->account_id = sw_evr_account(px, d, "awsAccountId");
    f->status = sw_evr_str(px, d, "status", SW_EVENT_STR_MAX);
    f->type = sw_evr_str(px, d, "type", SW_EVENT_STR_MAX);
    f->title = sw_evr_str(px, d, "title", SW_EVENT_STR_MAX);
    f->description = sw_evr_str(px, d, "description", SW_EVENT_TEXT_MAX);
    f->severity_text = sw_evr_str(px, d, "severity", SW_EVENT_STR_MAX);
    if (!f->severity_text ||
        !sw_severity_parse(f->severity_text, strlen(f->severity_text), &f->severity))
        f->severity = SW_SEVERITY_NONE; /* as sw_event_severity_from_name */
    if (sw_evr_num(d, "inspectorScore", &x)) {
        f->has_inspector_score = true;
        f->inspector_score = x;
    }
    if (sw_evr_num(sw_evr_obj(d, "epss"), "score", &x)) {
        f->has_epss = true;
        f->epss_score = x;
    }
    f->exploit_available = sw_evr_str(px, d, "exploitAvailable", SW_EVENT_STR_MAX);
    f->fix_available = sw_evr_str(px, d, "fixAvailable", SW_EVENT_STR_MAX);

    const cJSON *pvd = sw_evr_obj(d, "packageVulnerabilityDetails");
    f->vulnerability_id = sw_evr_str(px, pvd, "vulnerabilityId", SW_EVENT_STR_MAX);
    f->vendor_severity = sw_evr_str(px, pvd, "vendorSeverity", SW_EVENT_STR_MAX);
    f->source_url = sw_evr_str(px, pvd, "sourceUrl", SW_EVENT_STR_MAX);
    parse_cvss(px, d, pvd);
    parse_packages(px, pvd);

    const cJSON *resources = sw_evr_arr(d, "resources");
    const cJSON *res = resources ? resources->child : NULL;
    if (cJSON_IsObject(res)) {
        const cJSON *details = sw_evr_obj(res, "details");
        const cJSON *ecr = sw_evr_obj(details, "awsEcrContainerImage");
        const cJSON *img = sw_evr_obj(details, "image");
        f->resource_type = sw_evr_str(px, res, "type", SW_EVENT_STR_MAX);
        f->resource_id = sw_evr_str(px, res, "id", SW_EVENT_STR_MAX);
        f->region = sw_evr_region(px, res, "region");
        f->repository = sw_evr_str(px, ecr, "repositoryName", SW_EVENT_STR_MAX);
        if (!f->repository)
            f->repository = sw_evr_str(px, img, "repositoryName", SW_EVENT_STR_MAX);
        f->registry = sw_evr_str(px, ecr, "registry", SW_EVENT_STR_MAX);
        if (!f->registry)
            f->registry = sw_evr_str(px, img, "registry", SW_EVENT_STR_MAX);
        f->image_digest = sw_evr_str(px, ecr, "imageHash", SW_EVENT_STR_MAX);
        if (!f->image_digest)
            f->image_digest = sw_evr_str(px, img, "imageDigest", SW_EVENT_STR_MAX);
        const cJSON *tags = sw_evr_arr(ecr, "imageTags");
        if (!cJSON_GetArraySize(tags))
            tags = sw_evr_arr(img, "imageTags");
        keep_tags(px, tags, &f->image_tags, &f->image_tag_count, &f->image_tags_omitted);
        split_ecr_arn(px, f->resource_id, &f->repository, &f->image_digest);
    }
    if (!f->account_id)
        f->account_id = ev->env.account;
    if (!f->region)
        f->region = ev->env.region;
    if (!f->region)
        f->region = arn_region(px, f->finding_arn);
    if (!f->region)
        f->region = arn_region(px, f->resource_id);

    f->first_observed_text = sw_evr_str(px, d, "firstObservedAt", SW_EVENT_STR_MAX);
    f->first_observed_ms = sw_evr_time(f->first_observed_text);
    f->last_observed_text = sw_evr_str(px, d, "lastObservedAt", SW_EVENT_STR_MAX);
    f->last_observed_ms = sw_evr_time(f->last_observed_text);
    f->updated_at_text = sw_evr_str(px, d, "updatedAt", SW_EVENT_STR_MAX);
    f->updated_at_ms = sw_evr_time(f->updated_at_text);
    f->remediation = sw_evr_str(px, sw_evr_obj(sw_evr_obj(d, "remediation"), "recommendation"),
                                "text", SW_EVENT_TEXT_MAX);
    ev->cls = SW_CLASS_NOTIFY;
}

static void parse_counts(const cJSON *o, struct sw_severity_counts *c)
{
    static const struct {
        const char *key;
        enum sw_severity sev;
    } keys[] = {{"CRITICAL", SW_SEVERITY_CRITICAL},
                {"HIGH", SW_SEVERITY_HIGH},
                {"MEDIUM", SW_SEVERITY_MEDIUM},
                {"LOW", SW_SEVERITY_LOW},
                {"INFORMATIONAL", SW_SEVERITY_INFORMATIONAL},
                {"UNTRIAGED", SW_SEVERITY_UNTRIAGED},
                {"UNDEFINED", SW_SEVERITY_UNTRIAGED}};
    double x;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (!sw_evr_num(o, keys[i].key, &x) || x < 0 || x > NUMBER_MAX)
            continue;
        c->present[keys[i].sev] = true;
        c->count[keys[i].sev] += (int64_t)x;
    }
    if (sw_evr_num(o, "TOTAL", &x) && x >= 0 && x <= NUMBER_MAX) {
        c->has_total = true;
        c->total = (int64_t)x;
    }
}

void sw_event_scan_read(struct sw_evr *px, const cJSON *d)
{
    struct sw_scan_summary *s = &px->ev->scan;
    s->scan_status = sw_evr_str(px, d, "scan-status", SW_EVENT_STR_MAX);
    const char *repo = sw_evr_raw_str(sw_evr_get(d, "repository-name"));
    if (repo && strncmp(repo, "arn:", 4) == 0) {
        const char *digest = NULL;
        split_ecr_arn(px, repo, &s->repository, &digest);
    } else if (repo) {
        s->repository =
            sw_evr_keep(px, repo, strnlen(repo, SW_EVENT_STR_MAX + 1), SW_EVENT_STR_MAX);
    }
    s->image_digest = sw_evr_str(px, d, "image-digest", SW_EVENT_STR_MAX);
    keep_tags(px, sw_evr_arr(d, "image-tags"), &s->image_tags, &s->image_tag_count,
              &s->image_tags_omitted);
    parse_counts(sw_evr_obj(d, "finding-severity-counts"), &s->counts);
    px->ev->cls = SW_CLASS_NOTIFY;
}

void sw_event_coverage_read(struct sw_evr *px, const cJSON *d, const cJSON *root)
{
    struct sw_event *ev = px->ev;
    struct sw_coverage *c = &ev->coverage;
    const cJSON *status = sw_evr_obj(d, "scanStatus");
    c->status = sw_evr_str(px, status, "statusCodeValue", SW_EVENT_STR_MAX);
    c->reason = sw_evr_str(px, status, "reason", SW_EVENT_STR_MAX);
    c->scan_type = sw_evr_str(px, d, "scanType", SW_EVENT_STR_MAX);
    const cJSON *resources = sw_evr_arr(root, "resources");
    c->resource_id = sw_evr_item_str(px, resources ? resources->child : NULL, SW_EVENT_STR_MAX);
    if (!c->resource_id)
        c->resource_id = sw_evr_str(px, d, "resourceId", SW_EVENT_STR_MAX);
    split_ecr_arn(px, c->resource_id, &c->repository, &c->image_digest);
    c->account_id = sw_evr_account(px, d, "providerAccountId");
    if (!c->account_id)
        c->account_id = ev->env.account;
    c->region = sw_evr_region(px, d, "providerRegion");
    if (!c->region)
        c->region = ev->env.region;
    c->event_timestamp = sw_evr_str(px, d, "eventTimestamp", SW_EVENT_STR_MAX);
    c->event_time_ms = sw_evr_time(c->event_timestamp);
    c->resource_type = sw_evr_str(px, d, "resourceType", SW_EVENT_STR_MAX);
    /* Inspector also covers EC2 instances and Lambda functions; scanwarden watches ECR. */
    bool ecr = c->resource_type ? sw_evr_eq(c->resource_type, "AWS_ECR_REPOSITORY") ||
                                      sw_evr_eq(c->resource_type, "AWS_ECR_CONTAINER_IMAGE")
                                : c->repository != NULL && strstr(c->resource_id, ":ecr:") != NULL;
    if (ecr)
        ev->cls = SW_CLASS_NOTIFY;
    else
        ev->unhandled_reason = "the Inspector2 Coverage event is not about an ECR repository or "
                               "image (AWS_ECR_REPOSITORY, AWS_ECR_CONTAINER_IMAGE): scanwarden "
                               "watches ECR scanning only";
}

/* ---- classification ---- */
