/* sw_creds profile provider: credentials from the shared AWS files, for the operator command
 * line on a laptop (docs/operations.md, "The command line from a laptop").
 *
 * The profile is AWS_PROFILE (else "default"); the files are ~/.aws/credentials and
 * ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE override the paths; HOME
 * comes from the environment given). As the SDKs do, the config file names a profile
 * "[profile name]" ("[default]" or "[profile default]" for the default one), the credentials
 * file "[name]"; a key set in both files is taken from the credentials file; unknown keys are
 * ignored. Files, lines and the number of profiles are bounded.
 *
 * A profile gives static keys (aws_access_key_id, aws_secret_access_key, aws_session_token)
 * or a credential_process: a program run without a shell (the command line split on blanks,
 * double quotes group), with bounded output and time, that prints the JSON document of the
 * SDKs' "process credentials" (Version 1, AccessKeyId, SecretAccessKey, optional
 * SessionToken and Expiration). Its stderr goes to /dev/null: scanwarden never reads or logs
 * it. A profile with role_arn + source_profile is assumed with sts:AssumeRole (RoleSessionName
 * "scanwarden-cli") using the source profile's keys or process (credentials.c; no role
 * chaining, no credential_source), and cached until 15 minutes before expiry. */
#ifndef SW_CREDENTIALS_PROFILE_H
#define SW_CREDENTIALS_PROFILE_H

#include "handler/aws/credentials_container.h"
#include "handler/aws/env.h"
#include "handler/core/error.h"

#include <stdbool.h>
#include <stddef.h>

#define SW_PROFILE_MAX_FILE (1024 * 1024) /* bytes of one shared file */
#define SW_PROFILE_MAX_LINE 4096          /* bytes of one line */
#define SW_PROFILE_MAX_PROFILES 1000      /* section headers in one file */
#define SW_PROFILE_MAX_NAME 128           /* profile name */
#define SW_PROFILE_MAX_VALUE 2048         /* a value other than the secrets */
#define SW_PROCESS_MAX_OUTPUT (64 * 1024) /* stdout of credential_process */
#define SW_PROCESS_TIMEOUT_MS 60000L      /* credential_process run time */
#define SW_PROCESS_MAX_ARGS 64
#define SW_PROFILE_ROLE_SESSION_NAME "scanwarden-cli" /* RoleSessionName of AssumeRole */

/* What one profile says (the keys scanwarden understands). Secrets sit in the slot. */
struct sw_profile {
    struct sw_creds_slot keys; /* set: aws_access_key_id and aws_secret_access_key given */
    bool has_key_id, has_secret, has_token;
    char credential_process[SW_PROFILE_MAX_VALUE + 1];
    char role_arn[SW_PROFILE_MAX_VALUE + 1];
    char source_profile[SW_PROFILE_MAX_NAME + 1];
};

/* Wipes the secrets of pr. */
void sw_profile_wipe(struct sw_profile *pr);

/* Reads profile name from the text of one file (config_file: "[profile name]" headers)
 * into pr, keeping keys pr already has (read the credentials file first). *found is set when
 * the section exists; a has_* flag is set when its key was given (its value may be empty).
 * Every value read is NUL-terminated and free of control characters (a tab is allowed only in
 * credential_process, where it separates words): a value can reach an error message (the
 * source_profile as AWS_PROFILE, the credential_process program) or a request. Returns 0, or
 * SW_ECONFIG naming the file (what) and the line of a bound exceeded, a malformed header or a
 * value with a control character (never the value). */
int sw_profile_parse(const char *text, size_t len, bool config_file, const char *name,
                     const char *what, struct sw_profile *pr, bool *found, struct sw_error *err);

/* Loads the selected profile from both files. Returns 1 (found), 0 (no file has it and
 * AWS_PROFILE is not set: the chain goes on), or SW_ECONFIG (AWS_PROFILE names a profile no
 * file has, a file over its bounds, an unreadable file). */
int sw_profile_load(const struct sw_env *env, struct sw_profile *pr, struct sw_error *err);

/* Splits a credential_process command line into argv, without a shell: blanks (space, tab)
 * separate words, double quotes group, a backslash escapes '"' or '\\' inside quotes. The
 * words are copied into buf (cap bytes); at most max - 1 words, argv[count] is NULL. Returns
 * the count, or -1 (an unclosed quote, more words than max - 1, or words longer than buf). */
int sw_creds_process_split(const char *command, char *buf, size_t cap, char **argv, int max);

/* Reads the JSON document a credential_process printed (Version 1, AccessKeyId,
 * SecretAccessKey, optional SessionToken and Expiration) into out, which is wiped first.
 * Returns 0 (out->set, key id and secret non-empty, no control characters), or SW_ECREDS
 * (out stays wiped; the message never quotes the output). A pure parser. */
int sw_creds_process_parse(const char *body, size_t len, struct sw_creds_slot *out,
                           struct sw_error *err);

/* Runs command (credential_process) with a time limit and reads its JSON into out.
 * Returns 0, or SW_ECREDS (did not start, exit status, timed out, output too long or not the
 * expected JSON; never the output itself). */
int sw_creds_process_run(const char *command, long timeout_ms, struct sw_creds_slot *out,
                         struct sw_error *err);

/* Credentials of profile pr into out (static keys, or by running its credential_process).
 * Returns 0, SW_ECREDS, or SW_ECONFIG (a profile without usable keys, role_arn). */
int sw_profile_credentials(const struct sw_profile *pr, const char *name, struct sw_creds_slot *out,
                           struct sw_error *err);

#endif
