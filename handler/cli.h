/* sw_cli: build/bootstrap run by a person, outside Lambda (no AWS_LAMBDA_RUNTIME_API).
 *
 * Lets an operator try an event, a rule or the function's permissions before deploying:
 * --event FILE|- runs the real pipeline once and prints the JSON result; with --dry-run it
 * prints the notifications (e-mail text, JSON document, chat payload) instead of
 * publishing them and writes nothing to AWS; --check prints the drift check of the
 * configured account as a table. The configuration is the function's (environment). */
#ifndef SW_CLI_H
#define SW_CLI_H

#include <stdbool.h>

/* Exit codes (documented in --help and the README). */
#define SW_CLI_EXIT_OK 0 /* done; --check: no drift */
#define SW_CLI_EXIT_FAILED                                                                         \
    1                       /* the event was handled but the function's answer is an               \
                               error (RemediationFailed, NotificationFailed, ...) */
#define SW_CLI_EXIT_USAGE 2 /* bad option or invalid configuration */
#define SW_CLI_EXIT_INVALID_EVENT                                                                  \
    3                       /* the event file is unreadable or not an event                        \
                               (InvalidEvent) */
#define SW_CLI_EXIT_DRIFT 4 /* --check: the account drifted from the desired state */
#define SW_CLI_EXIT_AWS 5   /* --check: the state could not be read (AWS error) */

#define SW_CLI_ARGS_MAX 16 /* command-line arguments accepted */

/* True when bootstrap should run as the command line: arguments were given, or
 * AWS_LAMBDA_RUNTIME_API is not set (not under Lambda). */
bool sw_cli_wanted(int argc, char **argv);

/* Runs the command line; returns the process exit status (SW_CLI_EXIT_*). */
int sw_cli_main(int argc, char **argv);

#endif
