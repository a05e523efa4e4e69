/* build/bootstrap: scanwarden's entry point on the provided.al2023 custom runtime.
 *
 * Init: read and validate the configuration once (an invalid value is reported to
 * Lambda as Runtime.InvalidConfiguration, then the process exits non-zero before any
 * AWS call), create the AWS client, then hand every invocation to sw_function_handle.
 * Everything that outlives an invocation lives in struct app, owned here and passed
 * to the runtime loop as its user pointer. */
#include "handler/aws/client.h"
#include "handler/cli.h"
#include "handler/parse/config.h"
#include "handler/function.h"
#include "handler/io/wiring.h"
#include "handler/core/clock.h"
#include "handler/decide/metrics.h"
#include "runtime/lr_log.h"
#include "runtime/lr_runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* AWS calls stop this long before the invocation's deadline, so that the answer (and the
 * log line saying why) reaches Lambda before it stops the function: a tenth of the time
 * left, within [ANSWER_RESERVE_MIN_MS, ANSWER_RESERVE_MAX_MS]. */
#define ANSWER_RESERVE_MIN_MS 200
#define ANSWER_RESERVE_MAX_MS 1000

#define ERROR_INVALID_CONFIGURATION "Runtime.InvalidConfiguration"
#define ERROR_INIT "Runtime.InitError"

struct app {
    struct sw_config cfg;
    struct sw_aws_client *aws;
    struct sw_io_wiring io; /* the I/O of every region checked, the members' check */
    struct sw_function fn;
    struct sw_outcome outcome; /* reused: its buffer is the response body */
    struct sw_metrics_config metrics;
    struct sw_buf emf;    /* reused: the invocation's EMF record */
    struct sw_buf record; /* reused: the fields of the record of the run */
};

/* Writes the invocation's metrics as one raw JSON line on stdout: CloudWatch extracts EMF
 * from lines that are the record itself, not from the runtime's log records
 * (docs/operations.md). A record that cannot be built is logged and skipped. */
static void emit_metrics(struct app *app)
{
    struct sw_metrics m;
    char kind[64];
    struct sw_error err = {0};
    sw_metrics_from_outcome(&app->outcome, &m, kind, sizeof(kind));
    if (sw_metrics_emf(&m, app->metrics.ns, sw_mode_name(app->cfg.mode),
                       sw_scope_name(app->cfg.scope), kind, sw_clock_now_ms(), &app->emf,
                       &err) != SW_OK) {
        lr_log(LR_LOG_WARN, "%s", err.msg);
        return;
    }
    (void)sw_buf_append_char(&app->emf, '\n');
    fwrite(sw_buf_cstr(&app->emf), 1, app->emf.len, stdout);
    fflush(stdout);
}

/* The deadline for AWS calls: the invocation's, less the reserve for answering. An invocation
 * always has one: a deadline of 0, or one the reserve takes below 1, is a spent budget
 * (SW_AWS_DEADLINE_EXPIRED, long past), never "none" (SW_AWS_NO_DEADLINE is for the
 * operator's command line only). */
static long long aws_deadline(long long deadline_ms, long long now_ms)
{
    long long reserve = (deadline_ms - now_ms) / 10;
    if (reserve < ANSWER_RESERVE_MIN_MS)
        reserve = ANSWER_RESERVE_MIN_MS;
    if (reserve > ANSWER_RESERVE_MAX_MS)
        reserve = ANSWER_RESERVE_MAX_MS;
    if (deadline_ms - reserve < SW_AWS_DEADLINE_EXPIRED)
        return SW_AWS_DEADLINE_EXPIRED;
    return deadline_ms - reserve;
}

/* The record of the run (docs/operations.md, "Logs"): one log record per invocation whose
 * JSON form carries the result as fields. */
static void log_run(struct app *app)
{
    struct sw_error err = {0};
    if (!lr_log_enabled(LR_LOG_INFO))
        return;
    if (sw_metrics_run_record(&app->outcome, app->fn.region, sw_mode_name(app->cfg.mode),
                              sw_scope_name(app->cfg.scope), &app->record, &err) != SW_OK) {
        lr_log(LR_LOG_WARN, "%s", err.msg);
        return;
    }
    lr_log_fields(LR_LOG_INFO,
                  app->outcome.failed ? "invocation ended in an error" : "invocation done",
                  sw_buf_cstr(&app->record));
}

static int handle(const struct lr_invocation *inv, struct lr_response *out, void *user)
{
    struct app *app = user;
    long long deadline_ms = aws_deadline(inv->deadline_ms, sw_clock_now_ms());
    sw_io_wiring_set_deadline(&app->io, deadline_ms);
    struct sw_function_call call = {inv->payload, inv->payload_len, inv->function_arn,
                                    sw_clock_now_ms(), deadline_ms};
    sw_function_handle(&app->fn, &call, &app->outcome);
    if (app->metrics.enabled) {
        emit_metrics(app);
    }
    log_run(app);
    if (app->outcome.failed) {
        return lr_response_failure(out, app->outcome.error_type, sw_buf_cstr(&app->outcome.body));
    }
    return lr_response_success_borrowed(out, sw_buf_cstr(&app->outcome.body), app->outcome.body.len,
                                        "application/json");
}

/* Tells Lambda why the function cannot start. */
static int init_failed(struct lr_runtime *rt, const char *type, const struct sw_error *err)
{
    struct lr_error lerr = {0};
    lr_log(LR_LOG_FATAL, "%s: %s", type, err->msg);
    if (lr_runtime_init_error(rt, type, err->msg, &lerr) != LR_OK) {
        lr_log(LR_LOG_ERROR, "could not report the init error: %s", lerr.msg);
    }
    return EXIT_FAILURE;
}

/* Sets up the function over all its I/O (io/wiring.c): its own region, REGIONS' others and,
 * in organization scope, the members' check. Returns 0 or a negative SW_E* with err set (an
 * invalid configuration); what it set up is released by main's exit path either way. */
static int wire(struct app *app, struct sw_error *err)
{
    int rc = sw_io_wiring_init(&app->io, &app->cfg, app->aws, err);
    if (rc != SW_OK)
        return rc;
    return sw_function_init(&app->fn, &app->cfg, sw_aws_client_region(app->aws), &app->io.function,
                            err);
}

int main(int argc, char **argv)
{
    int status = EXIT_FAILURE;
    struct lr_error lerr = {0};
    struct sw_error err = {0};
    struct app *app = NULL;

    if (sw_cli_wanted(argc, argv)) {
        return sw_cli_main(argc, argv); /* run by a person, not by Lambda */
    }
    struct lr_runtime *rt = lr_runtime_new(NULL, &lerr);
    if (rt == NULL) {
        lr_log(LR_LOG_FATAL, "cannot start the runtime: %s", lerr.msg);
        return EXIT_FAILURE;
    }
    app = calloc(1, sizeof(*app));
    if (app == NULL) {
        sw_error_set(&err, SW_ENOMEM, "out of memory at start");
        status = init_failed(rt, ERROR_INIT, &err);
        goto out_runtime;
    }
    sw_outcome_init(&app->outcome);
    if (sw_cfg_load_env(&app->cfg, &err) != SW_OK ||
        sw_metrics_config_parse(getenv("METRICS"), getenv("METRICS_NAMESPACE"), &app->metrics,
                                &err) != SW_OK) {
        status = init_failed(rt, ERROR_INVALID_CONFIGURATION, &err);
        goto out_app;
    }
    app->aws = sw_aws_client_new(&(struct sw_aws_client_options){0}, &err);
    if (app->aws == NULL) {
        status = init_failed(rt, err.code == SW_ECONFIG ? ERROR_INVALID_CONFIGURATION : ERROR_INIT,
                             &err);
        goto out_app;
    }
    if (wire(app, &err) != SW_OK) {
        status = init_failed(rt, ERROR_INVALID_CONFIGURATION, &err);
        goto out_state;
    }
    lr_log(LR_LOG_INFO,
           "scanwarden ready: version %s, mode %s, min severity %s, region %s, scope %s",
           SW_VERSION, sw_mode_name(app->cfg.mode), sw_severity_name(app->cfg.min_severity),
           app->fn.region, sw_scope_name(app->cfg.scope));

    if (lr_runtime_run(rt, handle, app, &lerr) != LR_OK) {
        lr_log(LR_LOG_INFO, "runtime loop ended: %s", lerr.msg);
    }
    status = EXIT_FAILURE; /* the loop only returns when the function must end */

out_state:
    sw_io_wiring_clear(&app->io);
    sw_aws_client_free(app->aws);
out_app:
    sw_buf_clear(&app->emf);
    sw_buf_clear(&app->record);
    sw_outcome_clear(&app->outcome);
    free(app);
out_runtime:
    lr_runtime_free(rt);
    return status;
}
