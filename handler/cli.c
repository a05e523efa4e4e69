/* sw_cli: the operator command line of build/bootstrap.
 *
 * The same configuration, AWS client, pipeline and I/O (io/wiring.c: every region of REGIONS,
 * the members in organization scope) as under Lambda, with the I/O swapped where the
 * operator asked for it: --dry-run publishes into a list that is printed and
 * never performs a write (the mode is forced to dry-run, so the plan has nothing to
 * execute); --check stops after reading and deciding. Results go to stdout, logs to stderr,
 * and the exit status says what happened (SW_CLI_EXIT_*). */
#include "handler/cli.h"

#include "handler/aws/client.h"
#include "handler/core/clock.h"
#include "handler/parse/config.h"
#include "handler/decide/drift.h"
#include "handler/parse/events.h"
#include "handler/function.h"
#include "handler/notify/notify_wire.h"
#include "handler/io/aws_io.h"
#include "handler/io/dlq_replay.h"
#include "handler/io/org_aws_io.h"
#include "handler/io/wiring.h"
#include "runtime/lr_log.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULES_TEXT_MAX 512

static const char USAGE[] = "usage: bootstrap --event FILE|- [--dry-run]\n"
                            "       bootstrap --check\n"
                            "       bootstrap --replay-dlq\n"
                            "       bootstrap --help | --version\n";

static const char HELP[] =
    "scanwarden: keeps Amazon Inspector scanning of ECR images on, and notifies about what\n"
    "Inspector finds. Under AWS Lambda (AWS_LAMBDA_RUNTIME_API set, no arguments) it serves\n"
    "invocations; run by a person it is this command line, to try an event, a rule or the\n"
    "function's permissions before deploying.\n"
    "\n"
    "Options\n"
    "  --event FILE|-  Handle one event (an EventBridge event as JSON; - reads stdin) with the\n"
    "                  real pipeline and print the function's JSON result on stdout.\n"
    "  --dry-run       With --event: write nothing to AWS and publish nothing. Remediation is\n"
    "                  described (\"would restore\") instead of performed, and the notifications\n"
    "                  are printed instead of published: {\"result\": ..., \"notifications\":\n"
    "                  [{\"subject\", \"attributes\", \"email\", \"document\", \"chat\"}]}.\n"
    "                  Finding, scan and coverage events need no AWS call at all (but\n"
    "                  GetClustersForImage with AFFECTED_WORKLOADS=on); a drift check\n"
    "                  still reads the state (read-only calls).\n"
    "  --check         Read the account's state and print the drift check as a table\n"
    "                  (part, status, actual, desired). Never writes or publishes.\n"
    "                  With SCOPE=organization also the members of every region of\n"
    "                  REGIONS (members, checked, drifted, auto-enable), read only.\n"
    "                  The account is always the one the credentials belong to\n"
    "                  (sts:GetCallerIdentity, which needs no permission), as under Lambda it\n"
    "                  is the function's own: an event naming another account is answered\n"
    "                  {\"handled\":false} and nothing is read or written.\n"
    "  --replay-dlq    Republish the notifications parked in the dead-letter queue\n"
    "                  (DEAD_LETTER_QUEUE_URL) to SNS_TOPIC_ARN, once SNS works again: each is\n"
    "                  deleted from the queue only after its publish succeeded, a second copy\n"
    "                  of one already republished is deleted. Failed Lambda events (messages\n"
    "                  without the scanwarden-parked attribute) are left in the queue untouched\n"
    "                  and listed. Prints {\"republished\", \"duplicates\", \"failed\",\n"
    "                  \"unreadable\", \"events_left\", \"events\"}. Needs sqs:ReceiveMessage,\n"
    "                  sqs:DeleteMessage, sqs:ChangeMessageVisibility on the queue and\n"
    "                  sns:Publish on the topic (and kms:GenerateDataKey, kms:Decrypt on its\n"
    "                  key).\n"
    "  --help          This text.\n"
    "  --version       Print \"scanwarden VERSION\" and exit.\n"
    "\n"
    "Exit status\n"
    "  0  done (--check: no drift; --replay-dlq: every parked notification republished)\n"
    "  1  the event was handled but the function's answer is an error (RemediationFailed,\n"
    "     NotificationFailed, InternalError): Lambda would retry it; --replay-dlq: a\n"
    "     parked notification could not be republished or deleted (left in the queue)\n"
    "  2  usage error or invalid configuration\n"
    "  3  the event cannot be read or is not an event (InvalidEvent)\n"
    "  4  --check: the account drifted from the desired state\n"
    "  5  --check: the state could not be read (AWS error, e.g. AccessDenied);\n"
    "     --replay-dlq: the queue could not be read\n"
    "\n"
    "Environment (the function's configuration; values are case-insensitive)\n"
    "  SNS_TOPIC_ARN          topic the notifications go to (required)\n"
    "  MIN_SEVERITY           CRITICAL|HIGH|MEDIUM|LOW|INFORMATIONAL|UNTRIAGED (HIGH)\n"
    "  REMEDIATION_MODE       enforce|dry-run|off (enforce)\n"
    "  SCAN_FREQUENCY         CONTINUOUS_SCAN|SCAN_ON_PUSH (CONTINUOUS_SCAN)\n"
    "  REPOSITORY_FILTERS     comma-separated ECR wildcard filters (*)\n"
    "  ECR_RESCAN_DURATION    LIFETIME|DAYS_3|DAYS_7|DAYS_14|DAYS_30|DAYS_60|DAYS_90|DAYS_180\n"
    "                         (unset: not managed)\n"
    "  CHAT_FORMAT            none|chatbot (none): chatbot sends HTTPS subscribers the Amazon Q\n"
    "                         Developer in chat applications custom notification\n"
    "  EPSS_ALERT             0..1 (0.1): findings with EPSS >= this, or a known exploit, are\n"
    "                         high priority\n"
    "  MAX_NOTIFICATIONS_PER_INVOCATION  positive integer (20): more are folded into one\n"
    "  MAX_NOTIFICATIONS_PER_MINUTE  positive integer (60): more finding notifications in one\n"
    "                         minute are suppressed, then summarised by the next invocation\n"
    "  AFFECTED_WORKLOADS     off|on (off): on names the ECS/EKS clusters running the image of\n"
    "                         CRITICAL and HIGH findings (Inspector2 GetClustersForImage)\n"
    "  SCOPE, REGIONS         organization scale (account|organization; region list)\n"
    "  DEAD_LETTER_QUEUE_URL  SQS queue URL (unset: none): a notification SNS refused after\n"
    "                         the retries is parked there, to be replayed with --replay-dlq\n"
    "AWS (as the AWS SDKs read them)\n"
    "  AWS_REGION (AWS_DEFAULT_REGION), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,\n"
    "  AWS_SESSION_TOKEN, AWS_CONTAINER_CREDENTIALS_FULL_URI,\n"
    "  AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE (from a laptop: static keys,\n"
    "  credential_process or role_arn + source_profile of ~/.aws/credentials and\n"
    "  ~/.aws/config),\n"
    "  AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE], AWS_ENDPOINT_URL,\n"
    "  AWS_ENDPOINT_URL_INSPECTOR2 / _ECR / _SNS / _STS / _SQS, AWS_USE_FIPS_ENDPOINT,\n"
    "  AWS_MAX_ATTEMPTS, AWS_RETRY_MODE (standard only), AWS_CA_BUNDLE,\n"
    "  SSL_CERT_FILE, HTTPS_PROXY / NO_PROXY, AWS_LAMBDA_LOG_FORMAT (TEXT|JSON),\n"
    "  AWS_LAMBDA_LOG_LEVEL (logs go to stderr)\n"
    "\n"
    "Examples\n"
    "  SNS_TOPIC_ARN=arn:aws:sns:eu-west-1:123456789012:scanwarden AWS_REGION=eu-west-1 \\\n"
    "    bootstrap --event finding.json --dry-run\n"
    "  bootstrap --check\n"
    "  aws events test-event-pattern ... ; cat event.json | bootstrap --event - \n";

struct cli_args {
    const char *event;
    bool dry_run;
    bool check;
    bool replay_dlq;
    bool help;
    bool version;
};

bool sw_cli_wanted(int argc, char **argv)
{
    (void)argv;
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    return argc > 1 || api == NULL || api[0] == '\0';
}

/* Prints "bootstrap: <what>[ "<arg>"]" and the usage; returns SW_CLI_EXIT_USAGE. */
static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "bootstrap: %s%s%s%s\n%s(bootstrap --help explains every option)\n", what,
            arg ? " \"" : "", arg ? arg : "", arg ? "\"" : "", USAGE);
    return SW_CLI_EXIT_USAGE;
}

static int parse_args(int argc, char **argv, struct cli_args *a)
{
    memset(a, 0, sizeof(*a));
    if (argc > SW_CLI_ARGS_MAX)
        return usage_error("too many arguments", NULL);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            a->help = true;
        } else if (strcmp(arg, "--version") == 0) {
            a->version = true;
        } else if (strcmp(arg, "--dry-run") == 0) {
            a->dry_run = true;
        } else if (strcmp(arg, "--check") == 0) {
            a->check = true;
        } else if (strcmp(arg, "--replay-dlq") == 0) {
            a->replay_dlq = true;
        } else if (strcmp(arg, "--event") == 0) {
            if (i + 1 >= argc)
                return usage_error("this option needs a value:", arg);
            a->event = argv[++i];
        } else {
            return usage_error("unknown option", arg);
        }
    }
    if (a->help || a->version)
        return SW_CLI_EXIT_OK;
    if (!a->event && !a->check && !a->replay_dlq)
        return usage_error("say what to do: --event FILE|-, --check, --replay-dlq or --help", NULL);
    if ((a->event != NULL) + a->check + a->replay_dlq > 1)
        return usage_error("--event, --check and --replay-dlq do not go together", NULL);
    if (a->dry_run && !a->event)
        return usage_error("--dry-run goes with --event (--check never writes)", NULL);
    return SW_CLI_EXIT_OK;
}

/* Reads the event (bounded by SW_EVENT_MAX_BYTES) into out. */
static int read_event(const char *path, struct sw_buf *out)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char chunk[65536];
    int rc = 0;
    if (!f) {
        fprintf(stderr, "bootstrap: --event: cannot open %s\n", path);
        return SW_CLI_EXIT_INVALID_EVENT;
    }
    for (;;) {
        size_t n = fread(chunk, 1, sizeof(chunk), f);
        if (n > 0 && sw_buf_append(out, chunk, n) != SW_OK) {
            fprintf(stderr, "bootstrap: --event: %s is larger than %zu bytes\n", path,
                    (size_t)SW_EVENT_MAX_BYTES);
            rc = SW_CLI_EXIT_INVALID_EVENT;
            break;
        }
        if (n < sizeof(chunk)) {
            if (ferror(f)) {
                fprintf(stderr, "bootstrap: --event: cannot read %s\n", path);
                rc = SW_CLI_EXIT_INVALID_EVENT;
            }
            break;
        }
    }
    if (f != stdin)
        fclose(f);
    return rc;
}

/* ---- --dry-run: the I/O that writes nothing ---- */

struct dry {
    struct sw_aws_io *state; /* reads only */
    const struct sw_config *cfg;
    cJSON *notes; /* array of what would have been published */
};

static int dry_read(void *ctx, const char *account, bool read_rescan, struct sw_actual_state *out,
                    struct sw_action_result *failure)
{
    struct dry *d = ctx;
    return sw_aws_io_read(d->state, account, read_rescan, out, failure);
}

static int dry_own_account(void *ctx, char out[SW_FUNCTION_ACCOUNT_MAX + 1], struct sw_error *err)
{
    struct dry *d = ctx;
    return sw_aws_io_own_account(d->state, out, err); /* a read that needs no permission */
}

static int dry_workloads(void *ctx, const char *image_arn, long long deadline_ms,
                         struct sw_workloads *out, struct sw_error *err)
{
    struct dry *d = ctx;
    return sw_aws_io_workloads(d->state, image_arn, deadline_ms, out, err); /* a read */
}

static void dry_perform(void *ctx, const struct sw_drift_plan *plan,
                        struct sw_action_result *results)
{
    (void)ctx;
    for (size_t i = 0; i < plan->action_count; i++) {
        results[i] = (struct sw_action_result){sw_drift_api_name(plan->actions[i].api), false,
                                               "DryRun", "not performed: --dry-run"};
    }
}

static cJSON *parse_member(const cJSON *structure, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(structure, key);
    return cJSON_IsString(v) ? cJSON_Parse(v->valuestring) : NULL;
}

static int dry_publish(void *ctx, const struct sw_notification *n, struct sw_error *err)
{
    struct dry *d = ctx;
    struct sw_notification wire;
    struct sw_buf chat;
    int rc;
    sw_notification_init(&wire);
    sw_buf_init(&chat, SW_WIRE_CHAT_MAX);
    rc = sw_wire_build(n, d->cfg->chat_format, &wire, err);
    if (rc == SW_OK)
        rc = sw_wire_chat(n, &chat, err);
    if (rc != SW_OK)
        goto out;
    cJSON *structure = cJSON_ParseWithLength(wire.message.data, wire.message.len);
    cJSON *note = cJSON_CreateObject();
    cJSON *attrs = note ? cJSON_AddObjectToObject(note, "attributes") : NULL;
    const cJSON *email = cJSON_GetObjectItemCaseSensitive(structure, "email");
    cJSON *doc = parse_member(structure, "sqs");
    cJSON *chat_doc = cJSON_Parse(sw_buf_cstr(&chat));
    bool ok = attrs && cJSON_IsString(email) && doc && chat_doc &&
              cJSON_AddStringToObject(note, "subject", wire.subject);
    for (size_t i = 0; ok && i < wire.attribute_count; i++) {
        ok = cJSON_AddStringToObject(attrs, wire.attributes[i].name, wire.attributes[i].value) !=
             NULL;
    }
    ok = ok && cJSON_AddStringToObject(note, "email", email->valuestring) &&
         cJSON_AddItemToObject(note, "document", doc);
    if (ok)
        doc = NULL;
    ok = ok && cJSON_AddItemToObject(note, "chat", chat_doc);
    if (ok)
        chat_doc = NULL;
    ok = ok && cJSON_AddStringToObject(note, "https_receives",
                                       d->cfg->chat_format == SW_CHAT_FORMAT_CHATBOT ? "chat"
                                                                                     : "document");
    ok = ok && cJSON_AddItemToArray(d->notes, note);
    if (!ok) {
        cJSON_Delete(note);
        rc = sw_error_set(err, SW_ENOMEM, "--dry-run: could not record the notification");
    }
    cJSON_Delete(doc);
    cJSON_Delete(chat_doc);
    cJSON_Delete(structure);
out:
    sw_buf_clear(&chat);
    sw_notification_clear(&wire);
    return rc;
}

/* The I/O of --dry-run over d: the reads of d->state, no write, publishing into d->notes. */
static struct sw_function_io dry_io(struct dry *d)
{
    return (struct sw_function_io){
        d, dry_read, dry_perform, dry_publish, dry_workloads, dry_own_account, NULL, NULL};
}

/* ---- --event ---- */

static cJSON *outcome_json(const struct sw_outcome *o)
{
    if (!o->failed)
        return cJSON_Parse(sw_buf_cstr(&o->body));
    cJSON *e = cJSON_CreateObject();
    if (e && (!cJSON_AddStringToObject(e, "errorType", o->error_type) ||
              !cJSON_AddStringToObject(e, "errorMessage", sw_buf_cstr(&o->body)))) {
        cJSON_Delete(e);
        return NULL;
    }
    return e;
}

static int print_json(cJSON *j, bool pretty)
{
    char *s = j ? (pretty ? cJSON_Print(j) : cJSON_PrintUnformatted(j)) : NULL;
    if (!s) {
        fprintf(stderr, "bootstrap: out of memory\n");
        return -1;
    }
    fputs(s, stdout);
    fputc('\n', stdout);
    cJSON_free(s);
    return 0;
}

static int run_event(struct sw_function *fn, struct dry *dry, const struct cli_args *a)
{
    struct sw_buf payload;
    struct sw_outcome outcome;
    int status;
    sw_buf_init(&payload, SW_EVENT_MAX_BYTES);
    sw_outcome_init(&outcome);
    status = read_event(a->event, &payload);
    if (status != SW_CLI_EXIT_OK)
        goto out;
    /* No function ARN: the account is the credentials' own (io.own_account), asked only
     * when a drift check needs it. */
    struct sw_function_call call = {sw_buf_cstr(&payload), payload.len, NULL, sw_clock_now_ms(), 0};
    sw_function_handle(fn, &call, &outcome);
    status = !outcome.failed ? SW_CLI_EXIT_OK
             : strcmp(outcome.error_type, SW_FUNCTION_ERROR_INVALID_EVENT) == 0
                 ? SW_CLI_EXIT_INVALID_EVENT
                 : SW_CLI_EXIT_FAILED;
    cJSON *result = outcome_json(&outcome);
    if (a->dry_run) {
        cJSON *all = cJSON_CreateObject();
        if (all && result && cJSON_AddItemToObject(all, "result", result)) {
            result = NULL;
            if (cJSON_AddItemToObject(all, "notifications", dry->notes))
                dry->notes = NULL;
        }
        if (print_json(all, true) != 0)
            status = SW_CLI_EXIT_FAILED;
        cJSON_Delete(all);
    } else if (print_json(result, false) != 0) {
        status = SW_CLI_EXIT_FAILED;
    }
    cJSON_Delete(result);
out:
    sw_outcome_clear(&outcome);
    sw_buf_clear(&payload);
    return status;
}

/* ---- --check ---- */

static void rules_text(const struct sw_actual_state *s, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    if (s->rule_count == 0) {
        snprintf(out, cap, "no rules");
        return;
    }
    for (size_t r = 0; r < s->rule_count; r++) {
        const struct sw_drift_rule *rule = &s->rules[r];
        int w = snprintf(out + used, cap - used, "%s%s [", r ? "; " : "",
                         rule->scan_frequency ? rule->scan_frequency : "?");
        for (size_t f = 0; w >= 0 && (size_t)w < cap - used && f < rule->filter_count; f++) {
            used += (size_t)w;
            w = snprintf(out + used, cap - used, "%s%s", f ? ", " : "",
                         rule->filters[f].filter ? rule->filters[f].filter : "?");
        }
        if (w < 0 || (size_t)w >= cap - used)
            return;
        used += (size_t)w;
        w = snprintf(out + used, cap - used, "]");
        if (w < 0 || (size_t)w >= cap - used)
            return;
        used += (size_t)w;
    }
}

static const struct sw_drift_item *drifted(const struct sw_drift_plan *p, enum sw_drift_name name)
{
    for (size_t i = 0; i < p->item_count; i++) {
        if (p->items[i].name == name)
            return &p->items[i];
    }
    return NULL;
}

static void row(const char *part, const struct sw_drift_item *it, const char *actual_ok)
{
    printf("%-20s %-7s %-36s %s\n", part, it ? "DRIFT" : "ok", it ? it->before : actual_ok,
           it ? it->after : actual_ok);
}

/* SCOPE=organization: the members of every region of REGIONS, read only (no Enable, no
 * auto-enable update, nothing published), as a table per region. Returns SW_CLI_EXIT_OK,
 * _DRIFT, _AWS (a region could not be read) or _FAILED. */
static int run_org_check(struct sw_org_aws_io *org, const char *account)
{
    struct sw_org_report *rep = calloc(1, sizeof(*rep));
    int status = SW_CLI_EXIT_OK;
    if (!rep || sw_org_aws_io_check(org, account, false, 0, rep) != SW_OK) {
        fprintf(stderr, "bootstrap: out of memory\n");
        status = SW_CLI_EXIT_FAILED;
        goto out;
    }
    printf("organization check for delegated administrator %s (read-only)\n", account);
    printf("%-16s %-8s %-8s %-8s %-12s %s\n", "REGION", "MEMBERS", "CHECKED", "DRIFTED",
           "AUTO_ENABLE", "NOTE");
    bool failed = false, drift = false;
    for (size_t i = 0; i < rep->region_count; i++) {
        const struct sw_org_region_report *r = &rep->regions[i];
        char note[SW_ORG_CODE_MAX * 2 + SW_ORG_MESSAGE_MAX + 8] = "";
        if (r->failed_api[0]) {
            failed = true;
            snprintf(note, sizeof(note), "%s: %s %s", r->failed_api, r->failed_code,
                     r->failed_message);
        } else if (r->cut) {
            snprintf(note, sizeof(note), "cut before the end");
        }
        if (r->drifted_count || r->auto_enable_drifted)
            drift = true;
        printf("%-16s %-8zu %-8zu %-8zu %-12s %s\n", r->region, r->member_count, r->checked,
               r->drifted_count, r->auto_enable_drifted ? "DRIFT" : "ok", note);
    }
    for (size_t i = 0; i < rep->region_count; i++) {
        const struct sw_org_region_report *r = &rep->regions[i];
        for (size_t k = 0; k < r->drifted_count; k++)
            printf("  %s %s: ECR scanning %s\n", r->region, r->drifted[k].account_id,
                   r->drifted[k].before);
    }
    status = failed ? SW_CLI_EXIT_AWS : drift ? SW_CLI_EXIT_DRIFT : SW_CLI_EXIT_OK;
out:
    if (rep)
        sw_org_report_clear(rep);
    free(rep);
    return status;
}

static int run_check(struct sw_function *fn, struct sw_io_wiring *io, const struct sw_config *cfg)
{
    struct sw_actual_state actual = {0};
    struct sw_drift_plan plan = {0};
    struct sw_action_result failure = {0};
    struct sw_error err = {0};
    char rules[RULES_TEXT_MAX];
    char account[SW_FUNCTION_ACCOUNT_MAX + 1];
    if (fn->io.own_account(fn->io.ctx, account, &err) != SW_OK) {
        fprintf(stderr, "bootstrap: --check: which account the credentials belong to: %s\n",
                err.msg);
        return SW_CLI_EXIT_AWS;
    }
    int rc = sw_function_drift_plan(fn, account, &actual, &plan, &failure, &err);
    if (rc != SW_OK) {
        fprintf(stderr, "bootstrap: --check %s/%s: %s\n", account, fn->region, err.msg);
        sw_drift_plan_clear(&plan);
        return failure.api ? SW_CLI_EXIT_AWS : SW_CLI_EXIT_FAILED;
    }
    printf("drift check of %s/%s (REMEDIATION_MODE %s)\n", account, fn->region,
           sw_mode_name(cfg->mode));
    printf("%-20s %-7s %-36s %s\n", "PART", "STATUS", "ACTUAL", "DESIRED");
    row("inspector_ecr", drifted(&plan, SW_DRIFT_INSPECTOR_ECR),
        actual.inspector_ecr_status ? actual.inspector_ecr_status : "DISABLED");
    row("registry_scan_type", drifted(&plan, SW_DRIFT_REGISTRY_SCAN_TYPE),
        actual.scan_type ? actual.scan_type : "BASIC");
    rules_text(&actual, rules, sizeof(rules));
    row("registry_rule", drifted(&plan, SW_DRIFT_REGISTRY_RULE), rules);
    if (cfg->rescan_duration != SW_RESCAN_UNMANAGED)
        row("rescan_duration", drifted(&plan, SW_DRIFT_RESCAN_DURATION),
            actual.rescan_duration ? actual.rescan_duration : "(none)");
    else
        printf("%-20s %-7s %-36s %s\n", "rescan_duration", "-", "(not read)",
               "not managed (ECR_RESCAN_DURATION unset)");
    if (plan.item_count == 0) {
        printf("no drift: nothing to do\n");
    } else {
        printf("%zu part(s) drifted; %s:\n", plan.item_count,
               cfg->mode == SW_MODE_ENFORCE ? "the function would restore them with"
                                            : "in enforce mode the function would call");
        for (size_t i = 0; i < plan.action_count; i++)
            printf("  %s\n", plan.actions[i].summary);
    }
    int status = plan.item_count ? SW_CLI_EXIT_DRIFT : SW_CLI_EXIT_OK;
    sw_drift_plan_clear(&plan);
    if (cfg->scope == SW_SCOPE_ORGANIZATION) {
        int org = run_org_check(&io->org, account);
        if (org != SW_CLI_EXIT_OK && (org != SW_CLI_EXIT_DRIFT || status == SW_CLI_EXIT_OK))
            status = org; /* a failure wins over drift, drift over no drift */
    }
    return status;
}

/* --replay-dlq: the dead-letter queue back into the topic, and what was done, as JSON. */
static int run_replay(struct sw_aws_client *aws, const struct sw_config *cfg)
{
    struct sw_error err = {0};
    struct sw_dlq_replay_report *r = calloc(1, sizeof(*r));
    if (!r) {
        fprintf(stderr, "bootstrap: out of memory\n");
        return SW_CLI_EXIT_FAILED;
    }
    int rc = sw_dlq_replay(aws, cfg, r, &err);
    cJSON *out = cJSON_CreateObject();
    cJSON *events = out ? cJSON_AddArrayToObject(out, "events") : NULL;
    for (size_t i = 0; events && i < r->events_left && i < SW_DLQ_REPLAY_LISTED_MAX; i++)
        cJSON_AddItemToArray(events, cJSON_CreateString(r->events[i]));
    if (out) {
        cJSON_AddNumberToObject(out, "republished", (double)r->republished);
        cJSON_AddNumberToObject(out, "duplicates", (double)r->duplicates);
        cJSON_AddNumberToObject(out, "failed", (double)r->failed);
        cJSON_AddNumberToObject(out, "unreadable", (double)r->unreadable);
        cJSON_AddNumberToObject(out, "events_left", (double)r->events_left);
        if (r->last_failure[0])
            cJSON_AddStringToObject(out, "last_failure", r->last_failure);
    }
    char *text = out ? cJSON_PrintUnformatted(out) : NULL;
    if (text)
        printf("%s\n", text);
    free(text);
    cJSON_Delete(out);
    int status = SW_CLI_EXIT_OK;
    if (rc != SW_OK) {
        fprintf(stderr, "bootstrap: --replay-dlq: %s\n", err.msg);
        status = rc == SW_EINVAL ? SW_CLI_EXIT_USAGE : SW_CLI_EXIT_AWS;
    } else if (r->failed || r->unreadable) {
        fprintf(stderr,
                "bootstrap: --replay-dlq: %zu parked notification(s) not republished, %zu "
                "unreadable: left in the queue%s%s\n",
                r->failed, r->unreadable, r->last_failure[0] ? "; last failure: " : "",
                r->last_failure);
        status = SW_CLI_EXIT_FAILED;
    }
    if (r->events_left)
        fprintf(stderr,
                "bootstrap: --replay-dlq: %zu failed Lambda event(s) left in the queue (see "
                "docs/operations.md to replay or delete them)\n",
                r->events_left);
    free(r);
    return status;
}

int sw_cli_main(int argc, char **argv)
{
    struct cli_args a;
    struct sw_error err = {0};
    struct sw_config *cfg = NULL;
    struct sw_aws_client *aws = NULL;
    struct sw_io_wiring *io = NULL;
    struct sw_function fn;
    struct dry dry = {0};
    struct dry region_dry[SW_CFG_REGIONS_MAX];
    struct sw_function_region dry_regions[SW_CFG_REGIONS_MAX];
    lr_log_init_from_env(); /* as the function logs: AWS_LAMBDA_LOG_FORMAT, _LEVEL */
    int status = parse_args(argc, argv, &a);
    if (status != SW_CLI_EXIT_OK)
        return status;
    if (a.version && !a.help) {
        printf("scanwarden %s\n", SW_VERSION);
        return SW_CLI_EXIT_OK;
    }
    if (a.help) {
        fputs(USAGE, stdout);
        fputc('\n', stdout);
        fputs(HELP, stdout);
        return SW_CLI_EXIT_OK;
    }
    cfg = calloc(1, sizeof(*cfg));
    if (!cfg) {
        fprintf(stderr, "bootstrap: out of memory\n");
        return SW_CLI_EXIT_FAILED;
    }
    if (sw_cfg_load_env(cfg, &err) != SW_OK) {
        fprintf(stderr, "bootstrap: invalid configuration: %s\n", err.msg);
        status = SW_CLI_EXIT_USAGE;
        goto out_cfg;
    }
    if (a.dry_run && cfg->mode == SW_MODE_ENFORCE)
        cfg->mode = SW_MODE_DRY_RUN; /* describe, never restore */
    aws = sw_aws_client_new(&(struct sw_aws_client_options){0}, &err);
    if (!aws) {
        fprintf(stderr, "bootstrap: %s\n", err.msg);
        status = err.code == SW_ECONFIG ? SW_CLI_EXIT_USAGE : SW_CLI_EXIT_FAILED;
        goto out_cfg;
    }
    io = calloc(1, sizeof(*io));
    if (!io) {
        fprintf(stderr, "bootstrap: out of memory\n");
        status = SW_CLI_EXIT_FAILED;
        goto out_client;
    }
    if (sw_io_wiring_init(io, cfg, aws, &err) != SW_OK) {
        fprintf(stderr, "bootstrap: invalid configuration: %s\n", err.msg);
        status = err.code == SW_ECONFIG ? SW_CLI_EXIT_USAGE : SW_CLI_EXIT_FAILED;
        goto out_state;
    }
    struct sw_function_wiring w = io->function;
    if (a.dry_run) {
        /* Every region's I/O reads for real and writes and publishes nothing (the members'
         * check writes nothing in dry-run mode, and publishes through the function's I/O). */
        dry = (struct dry){&io->home, cfg, cJSON_CreateArray()};
        if (!dry.notes) {
            status = SW_CLI_EXIT_FAILED;
            goto out_state;
        }
        w.io = dry_io(&dry);
        for (size_t k = 0; k < w.region_count; k++) {
            region_dry[k] = (struct dry){&io->region_states[k], cfg, dry.notes};
            dry_regions[k] = io->regions[k];
            dry_regions[k].io = dry_io(&region_dry[k]);
        }
        w.regions = dry_regions;
    }
    if (sw_function_init(&fn, cfg, sw_aws_client_region(aws), &w, &err) != SW_OK) {
        fprintf(stderr, "bootstrap: invalid configuration: %s\n", err.msg);
        status = SW_CLI_EXIT_USAGE;
        goto out_state;
    }
    if (a.replay_dlq)
        status = run_replay(aws, cfg);
    else if (a.check)
        status = run_check(&fn, io, cfg);
    else
        status = run_event(&fn, &dry, &a);
    fflush(stdout);
out_state:
    cJSON_Delete(dry.notes);
    if (io)
        sw_io_wiring_clear(io);
    free(io);
out_client:
    sw_aws_client_free(aws);
out_cfg:
    free(cfg);
    return status;
}
