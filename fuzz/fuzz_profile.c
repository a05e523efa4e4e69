/* fuzz_profile: libFuzzer entry point for what the operator command line reads from a laptop's
 * shared AWS files (handler/aws/credentials_profile.h).
 *
 * The first byte picks the parser:
 *   0  sw_profile_parse over two texts into one struct, as sw_profile_load reads the
 *      credentials file, then the config file. Byte 1: bit 0 reads the first text as a config
 *      file too, bits 1-2 pick the profile name ("default", one of NAMES by byte 2, or the
 *      input's first line); then text 1, a NUL, text 2. Then sw_profile_credentials unless
 *      that would run a credential_process.
 *   1  sw_creds_process_parse: the JSON a credential_process prints.
 *   2  sw_creds_process_split: the credential_process command line. Byte 1 picks the words
 *      buffer's size, byte 2 the argv size; then the command.
 * "$S" in a text or a document stands for a known secret (PLANTED), so an error message can be
 * searched for it: an error names the file and the line, never a value.
 * fuzz/corpus/fuzz_profile/ holds hand-written files and documents with their selector bytes. */
#include "fuzz_check.h"
#include "handler/aws/credentials_profile.h"
#include "handler/aws/redact.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum op { OP_PROFILE = 0, OP_PROCESS_JSON, OP_SPLIT, OP_COUNT };

static const char PLANTED[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
static const char *const NAMES[] = {
    "default", "dev", "prod west",
    "profile", "ops", "a-very-long-profile-name-that-is-still-below-the-bound"};
#define WHAT_CREDENTIALS "the shared credentials file"
#define WHAT_CONFIG "the shared config file"

/* s[0..len) with every "$S" replaced by PLANTED, in an exact-size malloc'd copy (ASan sees a
 * read past its end); *out_len is its length. */
static char *expand(const char *s, size_t len, size_t *out_len)
{
    size_t plant = sizeof(PLANTED) - 1, n = 0;
    for (size_t i = 0; i < len; i++)
        n += (i + 1 < len && s[i] == '$' && s[i + 1] == 'S') ? (i++, plant) : 1;
    char *o = malloc(n ? n : 1);
    FUZZ_CHECK(o != NULL);
    size_t w = 0;
    for (size_t i = 0; i < len; i++) {
        if (i + 1 < len && s[i] == '$' && s[i + 1] == 'S') {
            memcpy(o + w, PLANTED, plant);
            w += plant;
            i++;
        } else {
            o[w++] = s[i];
        }
    }
    *out_len = n;
    return o;
}

/* True when s holds a run of SW_REDACT_MIN_RUN characters of PLANTED. */
static bool has_planted_run(const char *s)
{
    return fuzz_holds_run_of(s, PLANTED, SW_REDACT_MIN_RUN);
}

/* An error: non-empty, NUL-terminated, one line without control characters, naming what,
 * and without a run of the planted secret. A message that quotes the profile name (the
 * operator's AWS_PROFILE, which may be UTF-8 or hold the secret's text) is checked for the
 * secret only when the name does not hold it. */
static void check_error(const struct sw_error *err, const char *what, const char *quoted_name)
{
    size_t n = strnlen(err->msg, sizeof(err->msg));
    FUZZ_CHECK(n > 0 && n < sizeof(err->msg));
    if (quoted_name)
        FUZZ_CHECK(!sw_creds_has_ctl(err->msg));
    else
        FUZZ_CHECK(fuzz_ascii_printable(err->msg, n)); /* only fixed text and key names */
    FUZZ_CHECK(strstr(err->msg, what) != NULL);
    if (!quoted_name || !has_planted_run(quoted_name))
        FUZZ_CHECK(!has_planted_run(err->msg));
}

/* The words of an unquoted command line: runs of non-blanks. */
static int blank_separated_runs(const char *command)
{
    int words = 0;
    for (size_t i = 0; command[i]; i++)
        if (command[i] != ' ' && command[i] != '\t' &&
            (i == 0 || command[i - 1] == ' ' || command[i - 1] == '\t'))
            words++;
    return words;
}

static void check_profile(const struct sw_profile *pr)
{
    const struct sw_creds_slot *s = &pr->keys;
    fuzz_check_value(s->access_key_id, sizeof(s->access_key_id), false);
    fuzz_check_value(s->secret, sizeof(s->secret), false);
    fuzz_check_value(s->token, sizeof(s->token), false);
    fuzz_check_value(pr->credential_process, sizeof(pr->credential_process), true);
    fuzz_check_value(pr->role_arn, sizeof(pr->role_arn), false);
    fuzz_check_value(pr->source_profile, sizeof(pr->source_profile), false);
    /* A key not given stays empty; the slot is only ever set by sw_profile_credentials. */
    FUZZ_CHECK(pr->has_key_id || !s->access_key_id[0]);
    FUZZ_CHECK(pr->has_secret || !s->secret[0]);
    FUZZ_CHECK(pr->has_token || !s->token[0]);
    FUZZ_CHECK(!s->set && s->expiration == 0);
}

/* What the credentials file gave is kept when the config file is read. */
static void check_kept(const struct sw_profile *before, const struct sw_profile *after)
{
    if (before->has_key_id)
        FUZZ_CHECK(strcmp(before->keys.access_key_id, after->keys.access_key_id) == 0);
    if (before->has_secret)
        FUZZ_CHECK(strcmp(before->keys.secret, after->keys.secret) == 0);
    if (before->has_token)
        FUZZ_CHECK(strcmp(before->keys.token, after->keys.token) == 0);
    if (before->credential_process[0])
        FUZZ_CHECK(strcmp(before->credential_process, after->credential_process) == 0);
    if (before->role_arn[0])
        FUZZ_CHECK(strcmp(before->role_arn, after->role_arn) == 0);
    if (before->source_profile[0])
        FUZZ_CHECK(strcmp(before->source_profile, after->source_profile) == 0);
    FUZZ_CHECK(!before->has_key_id || after->has_key_id);
    FUZZ_CHECK(!before->has_secret || after->has_secret);
    FUZZ_CHECK(!before->has_token || after->has_token);
}

static void fuzz_profile(const char *d, size_t n)
{
    if (n < 2)
        return;
    bool first_is_config = d[0] & 1;
    int name_choice = (d[0] >> 1) & 3;
    char name[SW_PROFILE_MAX_NAME + 1];
    snprintf(name, sizeof(name), "%s",
             NAMES[(unsigned char)d[1] % (sizeof(NAMES) / sizeof(NAMES[0]))]);
    if (name_choice == 0)
        snprintf(name, sizeof(name), "default");
    d += 2;
    n -= 2;
    if (name_choice == 2) { /* the first line: AWS_PROFILE, which sw_profile_load bounds */
        const char *nl = memchr(d, '\n', n);
        size_t ln = nl ? (size_t)(nl - d) : n;
        if (ln == 0 || ln > SW_PROFILE_MAX_NAME || memchr(d, '\0', ln))
            return;
        memcpy(name, d, ln);
        name[ln] = '\0';
        if (sw_creds_has_ctl(name))
            return; /* refused by sw_profile_load before any file is read */
        d += ln + (nl ? 1 : 0);
        n -= ln + (nl ? 1 : 0);
    }
    const char *sep = memchr(d, '\0', n);
    size_t n1 = sep ? (size_t)(sep - d) : n;
    size_t l1, l2 = 0;
    char *t1 = expand(d, n1, &l1);
    char *t2 = sep ? expand(sep + 1, n - n1 - 1, &l2) : NULL;

    static struct sw_profile pr, before; /* large (the session token): kept off the stack */
    struct sw_error err = {0};
    memset(&pr, 0, sizeof(pr));
    bool found = false;
    const char *what1 = first_is_config ? WHAT_CONFIG : WHAT_CREDENTIALS;
    int rc = sw_profile_parse(t1, l1, first_is_config, name, what1, &pr, &found, &err);
    FUZZ_CHECK(rc == 0 || rc == SW_ECONFIG);
    if (rc != 0) {
        check_error(&err, what1, NULL);
    } else {
        check_profile(&pr);
        if (t2) {
            before = pr;
            rc = sw_profile_parse(t2, l2, true, name, WHAT_CONFIG, &pr, &found, &err);
            FUZZ_CHECK(rc == 0 || rc == SW_ECONFIG);
            if (rc != 0) {
                check_error(&err, WHAT_CONFIG, NULL);
            } else {
                check_profile(&pr);
                check_kept(&before, &pr);
            }
        }
    }
    if (rc == 0 && !found) { /* nothing is read from a section that is not the profile */
        static const struct sw_profile zero;
        FUZZ_CHECK(memcmp(&pr, &zero, sizeof(pr)) == 0);
    }
    /* What the provider does next, unless that would run a program. */
    if (rc == 0 && found && (pr.has_key_id || pr.has_secret || !pr.credential_process[0])) {
        static struct sw_creds_slot out;
        memset(&out, 0, sizeof(out));
        struct sw_error e2 = {0};
        int c = sw_profile_credentials(&pr, name, &out, &e2);
        FUZZ_CHECK(c == 0 || c == SW_ECONFIG);
        if (c == 0) {
            FUZZ_CHECK(out.set && out.expiration == 0);
            FUZZ_CHECK(strcmp(out.access_key_id, pr.keys.access_key_id) == 0);
            FUZZ_CHECK(strcmp(out.secret, pr.keys.secret) == 0);
            fuzz_check_value(out.token, sizeof(out.token), false);
        } else {
            FUZZ_CHECK(!out.set);
            check_error(&e2, name, name);
        }
        sw_creds_slot_wipe(&out);
    }
    sw_profile_wipe(&pr);
    sw_profile_wipe(&before);
    free(t1);
    free(t2);
}

static void fuzz_process_json(const char *d, size_t n)
{
    size_t len;
    char *doc = expand(d, n, &len);
    static struct sw_creds_slot s; /* large: kept off the stack */
    static const struct sw_creds_slot zero;
    memset(&s, 0, sizeof(s));
    snprintf(s.access_key_id, sizeof(s.access_key_id), "AKIASTALE");
    snprintf(s.secret, sizeof(s.secret), "stale-secret");
    s.set = true; /* what an earlier answer left: a refused one must not keep it */
    struct sw_error err = {0};
    int rc = sw_creds_process_parse(doc, len, &s, &err);
    FUZZ_CHECK(rc == 0 || rc == SW_ECREDS);
    if (rc == 0) {
        FUZZ_CHECK(s.set && s.access_key_id[0] && s.secret[0]);
        fuzz_check_value(s.access_key_id, sizeof(s.access_key_id), false);
        fuzz_check_value(s.secret, sizeof(s.secret), false);
        fuzz_check_value(s.token, sizeof(s.token), false);
    } else {
        FUZZ_CHECK(memcmp(&s, &zero, sizeof(s)) == 0);
        check_error(&err, "credential_process", NULL);
    }
    sw_creds_slot_wipe(&s);
    free(doc);
}

static void fuzz_split(const char *d, size_t n)
{
    if (n < 2)
        return;
    /* The product's sizes (a value of at most SW_PROFILE_MAX_VALUE bytes, the run's buffers),
     * or small ones, exact-size on the heap so ASan sees a write past them. */
    size_t cap = (d[0] & 0x80) ? SW_PROFILE_MAX_VALUE + 1 : (size_t)(d[0] & 0x3f);
    int max = (d[1] & 0x80) ? SW_PROCESS_MAX_ARGS + 1 : 1 + (d[1] & 0x07);
    d += 2;
    n -= 2;
    size_t len = n < SW_PROFILE_MAX_VALUE ? n : SW_PROFILE_MAX_VALUE;
    char *command = malloc(len + 1);
    char *buf = malloc(cap ? cap : 1);
    char **argv = malloc(sizeof(*argv) * (size_t)max);
    FUZZ_CHECK(command && buf && argv);
    memcpy(command, d, len);
    command[len] = '\0';
    int argc = sw_creds_process_split(command, buf, cap, argv, max);
    FUZZ_CHECK(argc >= -1 && argc < max);
    if (argc >= 0) {
        FUZZ_CHECK(argv[argc] == NULL);
        const char *next = buf;
        for (int i = 0; i < argc; i++) { /* the words, one after the other, within buf */
            FUZZ_CHECK(argv[i] == next);
            size_t room = cap - (size_t)(argv[i] - buf);
            size_t w = strnlen(argv[i], room);
            FUZZ_CHECK(w < room);
            next = argv[i] + w + 1;
        }
        if (!strchr(command, '"')) /* no quotes: the words are the blank-separated runs */
            FUZZ_CHECK(blank_separated_runs(command) == argc);
    } else if (cap == SW_PROFILE_MAX_VALUE + 1 && max == SW_PROCESS_MAX_ARGS + 1 &&
               !strchr(command, '"')) {
        /* The product's buffers hold any unquoted command a profile value can hold, up to the
         * word bound. */
        FUZZ_CHECK(blank_separated_runs(command) > SW_PROCESS_MAX_ARGS);
    }
    free(command);
    free(buf);
    free(argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *d = (const char *)data + 1;
    size_t n = size - 1;
    switch ((enum op)(data[0] % OP_COUNT)) {
    case OP_PROFILE:
        fuzz_profile(d, n);
        break;
    case OP_PROCESS_JSON:
        fuzz_process_json(d, n);
        break;
    case OP_SPLIT:
        fuzz_split(d, n);
        break;
    case OP_COUNT:
        break;
    }
    return 0;
}
