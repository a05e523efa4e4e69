/* sw_workloads: the "running in" enrichment of image findings (GetClustersForImage).
 *
 * One page of at most SW_WORKLOADS_MAX clusters is enough to say where to look first; the
 * answer is parsed with the usual bounds and summed per cluster. The annotation is added
 * after the text is built, so the finding builders stay pure and unaware of it, and a
 * failure becomes a visible note rather than a missing notification. */
#include "handler/notify/workloads.h"

#include "handler/parse/config.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

bool sw_workloads_wanted(const struct sw_finding *f)
{
    const char *id = f->resource_id;
    return (f->severity == SW_SEVERITY_CRITICAL || f->severity == SW_SEVERITY_HIGH) && id &&
           strncmp(id, "arn:", 4) == 0 && strstr(id, ":ecr:") && strstr(id, ":repository/") &&
           strstr(id, "/sha256:");
}

int sw_workloads_request(const char *image_arn, struct sw_buf *out, struct sw_error *err)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *filter = root ? cJSON_AddObjectToObject(root, "filter") : NULL;
    char *s = NULL;
    int rc = SW_ENOMEM;
    if (filter && cJSON_AddStringToObject(filter, "resourceId", image_arn) &&
        cJSON_AddNumberToObject(root, "maxResults", SW_WORKLOADS_MAX) &&
        (s = cJSON_PrintUnformatted(root)) != NULL) {
        sw_buf_reset(out);
        rc = sw_buf_append_str(out, s);
    }
    cJSON_free(s);
    cJSON_Delete(root);
    return rc ? sw_error_set(err, rc, "inspector2:GetClustersForImage: request: %s",
                             sw_strerror(rc))
              : 0;
}

static long long number(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e15)
        return 0;
    return (long long)v->valuedouble;
}

int sw_workloads_parse(const char *json, size_t len, struct sw_workloads *out, struct sw_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len > SW_WORKLOADS_ANSWER_MAX)
        return sw_error_set(err, SW_ELIMIT, "inspector2:GetClustersForImage: answer too large");
    cJSON *root = cJSON_ParseWithLength(json, len);
    const cJSON *list = root ? cJSON_GetObjectItemCaseSensitive(root, "cluster") : NULL;
    if (!cJSON_IsObject(root) || (list && !cJSON_IsArray(list))) {
        cJSON_Delete(root);
        return sw_error_set(err, SW_EPARSE, "inspector2:GetClustersForImage: not a valid answer");
    }
    const cJSON *c;
    cJSON_ArrayForEach(c, list)
    {
        const cJSON *arn = cJSON_GetObjectItemCaseSensitive(c, "clusterArn");
        if (!cJSON_IsString(arn) || !arn->valuestring || !arn->valuestring[0])
            continue;
        if (out->count == SW_WORKLOADS_MAX) {
            out->more = true;
            break;
        }
        struct sw_workload_cluster *w = &out->clusters[out->count++];
        snprintf(w->arn, sizeof(w->arn), "%s", arn->valuestring);
        const cJSON *d;
        cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(c, "clusterDetails"))
        {
            const cJSON *meta = cJSON_GetObjectItemCaseSensitive(d, "clusterMetadata");
            w->ecs |=
                cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(meta, "awsEcsMetadataDetails"));
            w->eks |=
                cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(meta, "awsEksMetadataDetails"));
            w->running += number(d, "runningUnitCount");
            w->stopped += number(d, "stoppedUnitCount");
        }
    }
    const cJSON *next = cJSON_GetObjectItemCaseSensitive(root, "nextToken");
    if (cJSON_IsString(next) && next->valuestring && next->valuestring[0])
        out->more = true;
    cJSON_Delete(root);
    return 0;
}

static const char *unit_word(const struct sw_workload_cluster *w)
{
    return w->eks && !w->ecs ? "pod(s)" : w->ecs && !w->eks ? "task(s)" : "task(s)/pod(s)";
}

int sw_workloads_annotate(struct sw_notification *n, const struct sw_workloads *w,
                          const char *failure, struct sw_error *err)
{
    struct sw_buf *b = &n->message;
    int rc = sw_buf_append_str(b, "\nAffected workloads (Inspector GetClustersForImage)\n");
    if (rc == 0 && failure) {
        rc = sw_buf_appendf(b, "  Could not be determined: %.*s\n", SW_WORKLOADS_NOTE_MAX, failure);
    } else if (rc == 0 && w->count == 0) {
        rc = sw_buf_append_str(b, "  Not running in any ECS or EKS cluster Inspector knows of.\n");
    }
    for (size_t i = 0; rc == 0 && !failure && i < w->count; i++) {
        const struct sw_workload_cluster *c = &w->clusters[i];
        rc = sw_buf_appendf(b, "  Running in: %s (%s%lld running %s", c->arn,
                            c->eks && !c->ecs   ? "EKS, "
                            : c->ecs && !c->eks ? "ECS, "
                                                : "",
                            c->running, unit_word(c));
        if (rc == 0 && c->stopped)
            rc = sw_buf_appendf(b, ", %lld stopped", c->stopped);
        if (rc == 0)
            rc = sw_buf_append_str(b, ")\n");
    }
    if (rc == 0 && !failure && w->more)
        rc = sw_buf_append_str(b, "  ... and more clusters (see the Inspector console)\n");
    if (rc)
        return sw_error_set(err, rc, "affected workloads: %s", sw_strerror(rc));

    cJSON *f = n->document ? cJSON_GetObjectItemCaseSensitive(n->document, "finding") : NULL;
    if (!f)
        goto out;
    cJSON *o = cJSON_AddObjectToObject(f, "workloads");
    bool ok = o && cJSON_AddStringToObject(o, "status", failure ? "unavailable" : "ok");
    if (ok && failure) {
        char note[SW_WORKLOADS_NOTE_MAX + 1];
        snprintf(note, sizeof(note), "%s", failure);
        ok = cJSON_AddStringToObject(o, "error", note) != NULL;
    }
    cJSON *arr = ok && !failure ? cJSON_AddArrayToObject(o, "clusters") : NULL;
    for (size_t i = 0; ok && arr && i < w->count; i++) {
        const struct sw_workload_cluster *c = &w->clusters[i];
        cJSON *e = cJSON_CreateObject();
        ok = e && cJSON_AddItemToArray(arr, e);
        if (!ok) {
            cJSON_Delete(e);
            break;
        }
        ok = cJSON_AddStringToObject(e, "cluster_arn", c->arn) &&
             cJSON_AddStringToObject(e, "type",
                                     c->eks && !c->ecs   ? "EKS"
                                     : c->ecs && !c->eks ? "ECS"
                                                         : "unknown") &&
             cJSON_AddNumberToObject(e, "running", (double)c->running) &&
             cJSON_AddNumberToObject(e, "stopped", (double)c->stopped);
    }
    if (ok && !failure)
        ok = cJSON_AddBoolToObject(o, "more", w->more) != NULL;
    if (!ok)
        return sw_error_set(err, SW_ENOMEM, "affected workloads: out of memory");
out:
    sw_notification_finish(n);
    return 0;
}
