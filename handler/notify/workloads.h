/* sw_workloads: which ECS/EKS clusters run a vulnerable image (Inspector2 GetClustersForImage).
 *
 * With AFFECTED_WORKLOADS=on, CRITICAL and HIGH findings on ECR images say where the image
 * runs, so the reader knows what to patch first. The lookup is bounded in time and
 * fail-soft: when it fails or is not permitted the notification still goes out, with a
 * note saying why. Parsing and annotating are pure; the one call (POST /cluster/get) is the AWS I/O
 * adapter's (handler/io/aws_io.c). */
#ifndef SW_WORKLOADS_H
#define SW_WORKLOADS_H

#include "handler/core/buf.h"
#include "handler/core/error.h"
#include "handler/parse/events.h"
#include "handler/core/notification.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_WORKLOADS_MAX 10          /* clusters asked for and listed (one page) */
#define SW_WORKLOADS_ARN_MAX 512     /* bytes of a cluster ARN kept */
#define SW_WORKLOADS_TIMEOUT_MS 3000 /* the lookup's own deadline */
#define SW_WORKLOADS_ANSWER_MAX ((size_t)256 * 1024)
#define SW_WORKLOADS_NOTE_MAX 300 /* bytes of the failure note */

struct sw_workload_cluster {
    char arn[SW_WORKLOADS_ARN_MAX];
    bool ecs;          /* awsEcsMetadataDetails present */
    bool eks;          /* awsEksMetadataDetails present */
    long long running; /* runningUnitCount summed over clusterDetails (tasks/pods) */
    long long stopped; /* stoppedUnitCount summed */
};

struct sw_workloads {
    struct sw_workload_cluster clusters[SW_WORKLOADS_MAX];
    size_t count;
    bool more; /* a nextToken: more clusters than listed */
};

/* True when the finding is one to look up: severity CRITICAL or HIGH and an ECR image
 * resource id (arn:...:ecr:...:repository/.../sha256:...). */
bool sw_workloads_wanted(const struct sw_finding *f);

/* The request body {"filter":{"resourceId":...},"maxResults":SW_WORKLOADS_MAX}. */
int sw_workloads_request(const char *image_arn, struct sw_buf *out, struct sw_error *err);

/* Parses a GetClustersForImage answer into out (zeroed first). SW_EPARSE when it is not one. */
int sw_workloads_parse(const char *json, size_t len, struct sw_workloads *out,
                       struct sw_error *err);

/* Adds the result to a built finding notification: a "Running in" section in the text and
 * "workloads" in the document ({"status":"ok","clusters":[...]} or {"status":"unavailable",
 * "error":...}). failure (may be NULL) is why the lookup failed. Finishes n again. */
int sw_workloads_annotate(struct sw_notification *n, const struct sw_workloads *w,
                          const char *failure, struct sw_error *err);

#endif
