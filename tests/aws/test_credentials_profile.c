/* The shared-file profile provider: the file parser (bounds, [profile x] vs [x], precedence of
 * the credentials file), the chain order (environment, then profile, then container), and
 * credential_process (success, failure, timeout, bad output), in a temporary HOME. */
#define _POSIX_C_SOURCE 200809L
#include "handler/aws/credentials.h"
#include "handler/aws/credentials_profile.h"
#include "handler/aws/sts.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#define ENV_MAX 8
struct table_env {
    const char *names[ENV_MAX];
    char values[ENV_MAX][1024];
};

static const char *table_get(void *ctx, const char *name)
{
    struct table_env *t = ctx;
    for (int i = 0; i < ENV_MAX; i++)
        if (t->names[i] && strcmp(t->names[i], name) == 0)
            return t->values[i];
    return NULL;
}

static void env_set(struct table_env *t, const char *name, const char *value)
{
    for (int i = 0; i < ENV_MAX; i++)
        if (!t->names[i] || strcmp(t->names[i], name) == 0) {
            t->names[i] = name;
            snprintf(t->values[i], sizeof(t->values[i]), "%s", value);
            return;
        }
    fail_msg("table full");
}

struct home {
    char dir[256];
    struct table_env t;
    struct sw_env env;
};

static void write_file(const char *dir, const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int home_setup(void **state)
{
    struct home *h = calloc(1, sizeof(*h));
    snprintf(h->dir, sizeof(h->dir), "/tmp/sw-home-XXXXXX");
    assert_non_null(mkdtemp(h->dir));
    char aws[300];
    snprintf(aws, sizeof(aws), "%s/.aws", h->dir);
    assert_int_equal(mkdir(aws, 0700), 0);
    env_set(&h->t, "HOME", h->dir);
    h->env.get = table_get;
    h->env.ctx = &h->t;
    *state = h;
    return 0;
}

static int home_teardown(void **state)
{
    struct home *h = *state;
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", h->dir);
    assert_int_equal(system(cmd), 0);
    free(h);
    return 0;
}

static int get(struct home *h, struct sw_sigv4_credentials *out, enum sw_creds_source *src,
               struct sw_creds_provider **keep, struct sw_error *err)
{
    struct sw_creds_options o = {.env = &h->env};
    struct sw_creds_provider *p = sw_creds_provider_new(&o, err);
    assert_non_null(p);
    int rc = sw_creds_get(p, time(NULL), out, err);
    *src = sw_creds_source(p);
    *keep = p;
    return rc;
}

static void static_keys_from_the_default_profile(void **state)
{
    struct home *h = *state;
    write_file(h->dir, ".aws/credentials",
               "# comment\n[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = x\n"
               "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s3cr3t\n"
               "aws_session_token = tok\nregion = eu-west-1\nunknown_key = ignored\n");
    struct sw_sigv4_credentials c;
    struct sw_error err = {0};
    enum sw_creds_source src;
    struct sw_creds_provider *p;
    assert_int_equal(get(h, &c, &src, &p, &err), 0);
    assert_int_equal(src, SW_CREDS_PROFILE);
    assert_string_equal(c.access_key_id, "AKIADEFAULT");
    assert_string_equal(c.secret_access_key, "s3cr3t");
    assert_string_equal(c.session_token, "tok");
    sw_creds_provider_free(p);
}

static void environment_comes_before_the_profile(void **state)
{
    struct home *h = *state;
    write_file(h->dir, ".aws/credentials",
               "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = f\n");
    env_set(&h->t, "AWS_ACCESS_KEY_ID", "AKIAENV");
    env_set(&h->t, "AWS_SECRET_ACCESS_KEY", "e");
    struct sw_sigv4_credentials c;
    struct sw_error err = {0};
    enum sw_creds_source src;
    struct sw_creds_provider *p;
    assert_int_equal(get(h, &c, &src, &p, &err), 0);
    assert_int_equal(src, SW_CREDS_ENVIRONMENT);
    assert_string_equal(c.access_key_id, "AKIAENV");
    sw_creds_provider_free(p);
}

static void config_names_profiles_with_the_prefix_and_credentials_file_wins(void **state)
{
    struct home *h = *state;
    /* In the config file "[dev]" is not the dev profile: only "[profile dev]" is. */
    write_file(h->dir, ".aws/config",
               "[dev]\naws_access_key_id = AKIAWRONG\naws_secret_access_key = w\n"
               "[profile dev]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = c\n"
               "aws_session_token = configtoken\n");
    write_file(h->dir, ".aws/credentials", "[dev]\naws_access_key_id = AKIACREDS\n");
    env_set(&h->t, "AWS_PROFILE", "dev");
    struct sw_sigv4_credentials c;
    struct sw_error err = {0};
    enum sw_creds_source src;
    struct sw_creds_provider *p;
    assert_int_equal(get(h, &c, &src, &p, &err), 0);
    assert_int_equal(src, SW_CREDS_PROFILE);
    assert_string_equal(c.access_key_id, "AKIACREDS"); /* credentials file wins per key */
    assert_string_equal(c.secret_access_key, "c");
    assert_string_equal(c.session_token, "configtoken");
    sw_creds_provider_free(p);
}

static void override_paths_and_a_missing_named_profile(void **state)
{
    struct home *h = *state;
    write_file(h->dir, "elsewhere",
               "[ops]\naws_access_key_id = AKIAOPS\naws_secret_access_key = o\n");
    char path[400];
    snprintf(path, sizeof(path), "%s/elsewhere", h->dir);
    env_set(&h->t, "AWS_SHARED_CREDENTIALS_FILE", path);
    env_set(&h->t, "AWS_PROFILE", "ops");
    struct sw_sigv4_credentials c;
    struct sw_error err = {0};
    enum sw_creds_source src;
    struct sw_creds_provider *p;
    assert_int_equal(get(h, &c, &src, &p, &err), 0);
    assert_string_equal(c.access_key_id, "AKIAOPS");
    sw_creds_provider_free(p);

    env_set(&h->t, "AWS_PROFILE", "nope");
    assert_int_equal(get(h, &c, &src, &p, &err), SW_ECONFIG);
    assert_non_null(strstr(err.msg, "AWS_PROFILE=nope"));
    sw_creds_provider_free(p);
}

static void no_files_and_no_profile_falls_through_to_no_credentials(void **state)
{
    struct home *h = *state;
    struct sw_sigv4_credentials c;
    struct sw_error err = {0};
    enum sw_creds_source src;
    struct sw_creds_provider *p;
    assert_int_equal(get(h, &c, &src, &p, &err), SW_ECREDS);
    assert_non_null(strstr(err.msg, "shared files"));
    sw_creds_provider_free(p);
}

static void bounds_line_file_and_profile_count(void **state)
{
    (void)state;
    struct sw_profile pr;
    struct sw_error err = {0};
    bool found = false;
    size_t n = SW_PROFILE_MAX_LINE + 10;
    char *text = malloc(n + 20);
    memcpy(text, "[default]\nx = ", 14);
    memset(text + 14, 'a', n);
    text[14 + n] = '\0';
    memset(&pr, 0, sizeof(pr));
    assert_int_equal(sw_profile_parse(text, strlen(text), false, "default", "f", &pr, &found, &err),
                     SW_ECONFIG);
    assert_non_null(strstr(err.msg, "line 2"));
    free(text);

    size_t big = SW_PROFILE_MAX_FILE + 1;
    text = calloc(1, big + 1);
    memset(text, '\n', big);
    assert_int_equal(sw_profile_parse(text, big, false, "default", "f", &pr, &found, &err),
                     SW_ECONFIG);
    free(text);

    size_t cap = (SW_PROFILE_MAX_PROFILES + 2) * 8;
    text = calloc(1, cap);
    size_t o = 0;
    for (int i = 0; i <= SW_PROFILE_MAX_PROFILES; i++)
        o += (size_t)snprintf(text + o, cap - o, "[p%d]\n", i);
    assert_int_equal(sw_profile_parse(text, o, false, "default", "f", &pr, &found, &err),
                     SW_ECONFIG);
    assert_non_null(strstr(err.msg, "sections"));
    free(text);

    const char *unclosed = "[default\naws_access_key_id = A\n";
    assert_int_equal(
        sw_profile_parse(unclosed, strlen(unclosed), false, "default", "f", &pr, &found, &err),
        SW_ECONFIG);
    sw_profile_wipe(&pr);
}

/* A value can reach an error message (source_profile becomes AWS_PROFILE, "no such profile";
 * the credential_process program is named when it fails) or a request: a control character in
 * it is refused when the file is read, and the message names the key, never the value. */
static void control_characters_in_a_value_are_refused_without_quoting_it(void **state)
{
    (void)state;
    static const struct {
        const char *text, *key;
    } bad[] = {
        {"[default]\nsource_profile = dev\x1b[2Jowned\nrole_arn = arn\n", "source_profile"},
        {"[default]\naws_secret_access_key = SECRET\x01VALUE\n", "aws_secret_access_key"},
        {"[default]\ncredential_process = /bin/cmd\rowned\n", "credential_process"},
        {"[default]\nrole_arn = arn:aws:iam::123456789012:role/x\x7f\n", "role_arn"},
        {"[default]\nsource_profile = a\tb\n", "source_profile"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct sw_profile pr;
        struct sw_error err = {0};
        bool found = false;
        memset(&pr, 0, sizeof(pr));
        assert_int_equal(sw_profile_parse(bad[i].text, strlen(bad[i].text), false, "default",
                                          "the shared credentials file", &pr, &found, &err),
                         SW_ECONFIG);
        if (!strstr(err.msg, "the shared credentials file line 2") ||
            !strstr(err.msg, bad[i].key) || !strstr(err.msg, "control character"))
            fail_msg("case %zu: %s", i, err.msg);
        assert_null(strstr(err.msg, "owned"));
        assert_null(strstr(err.msg, "VALUE"));
        sw_profile_wipe(&pr);
    }
    /* A tab separates the words of a credential_process; in the other sections nothing is read. */
    const char *ok = "[other]\nsource_profile = x\x1b\n[default]\ncredential_process = a\tb\n";
    struct sw_profile pr;
    struct sw_error err = {0};
    bool found = false;
    memset(&pr, 0, sizeof(pr));
    assert_int_equal(sw_profile_parse(ok, strlen(ok), false, "default", "f", &pr, &found, &err), 0);
    assert_true(found);
    assert_string_equal(pr.credential_process, "a\tb");
}

static void a_profile_name_with_a_control_character_is_refused(void **state)
{
    struct home *h = *state;
    write_file(h->dir, ".aws/credentials",
               "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s\n");
    env_set(&h->t, "AWS_PROFILE", "dev\x1b]0;title\x07");
    struct sw_profile pr;
    struct sw_error err = {0};
    assert_int_equal(sw_profile_load(&h->env, &pr, &err), SW_ECONFIG);
    assert_non_null(strstr(err.msg, "AWS_PROFILE has a control character"));
    assert_null(strchr(err.msg, '\x1b'));
}

/* The words buffer of a credential_process is bounded: an empty word ("") after words that
 * filled it wrote its NUL one byte past the buffer. */
static void command_split_stays_within_its_buffers(void **state)
{
    (void)state;
    char buf[4];
    char *argv[4];
    assert_int_equal(sw_creds_process_split("abc \"\"", buf, sizeof(buf), argv, 4), -1);
    assert_int_equal(sw_creds_process_split("ab \"\"", buf, sizeof(buf), argv, 4), 2);
    assert_string_equal(argv[0], "ab");
    assert_string_equal(argv[1], "");
    assert_null(argv[2]);
    assert_int_equal(sw_creds_process_split("a b c d", buf, sizeof(buf), argv, 4), -1);
    assert_int_equal(sw_creds_process_split("\"a \\\" b\"", buf, sizeof(buf), argv, 4), -1);
    char big[8];
    assert_int_equal(sw_creds_process_split(" \"a \\\" b\"\t", big, sizeof(big), argv, 4), 1);
    assert_string_equal(argv[0], "a \" b");

    /* Through the public runner: a 2048-byte word and an empty one do not fit its buffer. */
    char cmd[SW_PROFILE_MAX_VALUE + 8];
    memset(cmd, 'a', SW_PROFILE_MAX_VALUE);
    memcpy(cmd + SW_PROFILE_MAX_VALUE, " \"\"", 4);
    struct sw_creds_slot s;
    struct sw_error err = {0};
    memset(&s, 0, sizeof(s));
    assert_int_equal(sw_creds_process_run(cmd, 5000, &s, &err), SW_ECONFIG);
    assert_false(s.set);
}

/* A credential_process answer that is refused leaves no credentials in the slot, whatever it
 * held, and its message quotes none of the output. */
static void process_output_refused_leaves_the_slot_empty(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "not json SECRETTEXT",
        "{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"SECRETTEXT\"}",
        "{\"Version\": 1, \"AccessKeyId\": \"\", \"SecretAccessKey\": \"SECRETTEXT\"}",
        "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"SECRET\\nTEXT\"}",
        "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"SECRETTEXT\", "
        "\"Expiration\": \"SECRETTEXT\"}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct sw_creds_slot s;
        memset(&s, 0, sizeof(s));
        snprintf(s.access_key_id, sizeof(s.access_key_id), "AKIASTALE");
        snprintf(s.secret, sizeof(s.secret), "stalesecret");
        s.set = true;
        struct sw_error err = {0};
        assert_int_equal(sw_creds_process_parse(bad[i], strlen(bad[i]), &s, &err), SW_ECREDS);
        if (s.set || s.secret[0] || s.access_key_id[0])
            fail_msg("case %zu: the slot keeps credentials", i);
        assert_null(strstr(err.msg, "SECRET"));
    }
    const char *ok = "{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", \"SecretAccessKey\": \"s\", "
                     "\"Expiration\": \"2999-01-01T00:00:00Z\"}";
    struct sw_creds_slot s;
    struct sw_error err = {0};
    memset(&s, 0, sizeof(s));
    assert_int_equal(sw_creds_process_parse(ok, strlen(ok), &s, &err), 0);
    assert_true(s.set);
    assert_string_equal(s.access_key_id, "AKIAPROC");
    assert_true(s.expiration > time(NULL));
    sw_creds_slot_wipe(&s);
}

static void role_profiles_need_a_source_and_no_chaining(void **state)
{
    struct home *h = *state;
    write_file(h->dir, ".aws/config",
               "[profile nosource]\nrole_arn = arn:aws:iam::123456789012:role/x\n"
               "[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/x\n"
               "source_profile = other\n"
               "[profile other]\nrole_arn = arn:aws:iam::123456789012:role/y\n"
               "source_profile = default\n");
    struct sw_sigv4_credentials c;
    struct sw_error err = {0};
    enum sw_creds_source src;
    struct sw_creds_provider *p;
    env_set(&h->t, "AWS_PROFILE", "nosource");
    assert_int_equal(get(h, &c, &src, &p, &err), SW_ECONFIG);
    assert_non_null(strstr(err.msg, "no source_profile"));
    sw_creds_provider_free(p);
    env_set(&h->t, "AWS_PROFILE", "chained");
    setenv("AWS_REGION", "eu-west-1", 1); /* the STS client reads the process's region */
    setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9", 1); /* never reached */
    int rc = get(h, &c, &src, &p, &err);
    unsetenv("AWS_ENDPOINT_URL_STS");
    unsetenv("AWS_REGION");
    assert_int_not_equal(rc, 0);
    if (!strstr(err.msg, "role chaining"))
        fail_msg("%s", err.msg);
    sw_creds_provider_free(p);
}

static void assume_role_answer_is_read_whole_or_refused(void **state)
{
    (void)state;
    const char *ok = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                     "<AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId>"
                     "<SecretAccessKey>rolesecret</SecretAccessKey>"
                     "<SessionToken>roletoken</SessionToken>"
                     "<Expiration>2999-01-01T00:00:00Z</Expiration></Credentials>"
                     "<AssumedRoleUser><Arn>x</Arn></AssumedRoleUser></AssumeRoleResult>"
                     "</AssumeRoleResponse>";
    struct sw_creds_slot s;
    struct sw_error err = {0};
    memset(&s, 0, sizeof(s));
    assert_int_equal(sw_sts_parse_assume_role(ok, strlen(ok), &s, &err), 0);
    assert_string_equal(s.access_key_id, "ASIAROLE");
    assert_string_equal(s.token, "roletoken");
    assert_true(s.expiration > time(NULL));
    const char *no_token = "<AssumeRoleResponse><AssumeRoleResult><Credentials>"
                           "<AccessKeyId>A</AccessKeyId><SecretAccessKey>B</SecretAccessKey>"
                           "<Expiration>2999-01-01T00:00:00Z</Expiration></Credentials>"
                           "</AssumeRoleResult></AssumeRoleResponse>";
    assert_int_equal(sw_sts_parse_assume_role(no_token, strlen(no_token), &s, &err), SW_EPARSE);
    assert_false(s.set);
    assert_string_equal(s.secret, ""); /* wiped */
    /* An empty SessionToken is none: the temporary key would be sent without its token. */
    const char *empty_token = "<AssumeRoleResponse><AssumeRoleResult><Credentials>"
                              "<AccessKeyId>A</AccessKeyId><SecretAccessKey>B</SecretAccessKey>"
                              "<SessionToken></SessionToken>"
                              "<Expiration>2999-01-01T00:00:00Z</Expiration></Credentials>"
                              "</AssumeRoleResult></AssumeRoleResponse>";
    assert_int_equal(sw_sts_parse_assume_role(empty_token, strlen(empty_token), &s, &err),
                     SW_EPARSE);
    assert_false(s.set);
    assert_string_equal(s.secret, "");
}

static void write_script(struct home *h, const char *name, const char *body)
{
    char rel[64];
    snprintf(rel, sizeof(rel), "%s", name);
    write_file(h->dir, rel, body);
    char path[400];
    snprintf(path, sizeof(path), "%s/%s", h->dir, name);
    assert_int_equal(chmod(path, 0700), 0);
}

static void credential_process_success(void **state)
{
    struct home *h = *state;
    write_script(h, "creds.sh",
                 "#!/bin/sh\necho \"argument: $1\" >&2\n"
                 "printf '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", \"SecretAccessKey\": "
                 "\"procsecret\", \"SessionToken\": \"proctoken\", \"Expiration\": "
                 "\"2999-01-01T00:00:00Z\"}'\n");
    char cfg[600];
    snprintf(cfg, sizeof(cfg), "[default]\ncredential_process = \"%s/creds.sh\" \"an arg\"\n",
             h->dir);
    write_file(h->dir, ".aws/config", cfg);
    struct sw_sigv4_credentials c;
    struct sw_error err = {0};
    enum sw_creds_source src;
    struct sw_creds_provider *p;
    assert_int_equal(get(h, &c, &src, &p, &err), 0);
    assert_int_equal(src, SW_CREDS_PROFILE);
    assert_string_equal(c.access_key_id, "AKIAPROC");
    assert_string_equal(c.session_token, "proctoken");
    assert_true(sw_creds_expiration(p) > time(NULL));
    sw_creds_provider_free(p);
}

static void credential_process_failures(void **state)
{
    struct home *h = *state;
    struct sw_creds_slot s;
    struct sw_error err = {0};
    char cmd[1024];

    write_script(h, "fails.sh", "#!/bin/sh\necho 'SECRET-IN-STDERR' >&2\nexit 3\n");
    snprintf(cmd, sizeof(cmd), "%s/fails.sh", h->dir);
    memset(&s, 0, sizeof(s));
    assert_int_equal(sw_creds_process_run(cmd, 5000, &s, &err), SW_ECREDS);
    assert_non_null(strstr(err.msg, "exit status 3"));
    assert_null(strstr(err.msg, "SECRET")); /* its stderr is never copied */

    write_script(h, "sleeps.sh", "#!/bin/sh\nexec sleep 30\n");
    snprintf(cmd, sizeof(cmd), "%s/sleeps.sh", h->dir);
    time_t t0 = time(NULL);
    assert_int_equal(sw_creds_process_run(cmd, 300, &s, &err), SW_ECREDS);
    assert_true(time(NULL) - t0 < 5);
    assert_non_null(strstr(err.msg, "no answer within 300 ms"));

    write_script(h, "v2.sh",
                 "#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
                 "\"SECRETV2\"}'\n");
    snprintf(cmd, sizeof(cmd), "%s/v2.sh", h->dir);
    assert_int_equal(sw_creds_process_run(cmd, 5000, &s, &err), SW_ECREDS);
    assert_non_null(strstr(err.msg, "Version"));
    assert_null(strstr(err.msg, "SECRETV2"));

    write_script(h, "huge.sh", "#!/bin/sh\nhead -c 200000 /dev/zero\n");
    snprintf(cmd, sizeof(cmd), "%s/huge.sh", h->dir);
    assert_int_equal(sw_creds_process_run(cmd, 5000, &s, &err), SW_ECREDS);
    assert_non_null(strstr(err.msg, "longer than"));

    snprintf(cmd, sizeof(cmd), "%s/does-not-exist", h->dir);
    assert_int_equal(sw_creds_process_run(cmd, 5000, &s, &err), SW_ECREDS);
    assert_non_null(strstr(err.msg, "could not be run"));

    /* No shell: a ';' is an argument, not a second command. */
    write_script(h, "args.sh",
                 "#!/bin/sh\n[ \"$1\" = ';' ] && [ \"$2\" = 'touch' ] || exit 9\n"
                 "echo '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"B\"}'\n");
    snprintf(cmd, sizeof(cmd), "%s/args.sh ; touch %s/pwned", h->dir, h->dir);
    assert_int_equal(sw_creds_process_run(cmd, 5000, &s, &err), 0);
    char pwned[400];
    snprintf(pwned, sizeof(pwned), "%s/pwned", h->dir);
    assert_int_not_equal(access(pwned, F_OK), 0);
    assert_int_equal(s.expiration, 0);
    sw_creds_slot_wipe(&s);

    assert_int_equal(sw_creds_process_run("\"unclosed", 5000, &s, &err), SW_ECONFIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(static_keys_from_the_default_profile, home_setup,
                                        home_teardown),
        cmocka_unit_test_setup_teardown(environment_comes_before_the_profile, home_setup,
                                        home_teardown),
        cmocka_unit_test_setup_teardown(
            config_names_profiles_with_the_prefix_and_credentials_file_wins, home_setup,
            home_teardown),
        cmocka_unit_test_setup_teardown(override_paths_and_a_missing_named_profile, home_setup,
                                        home_teardown),
        cmocka_unit_test_setup_teardown(no_files_and_no_profile_falls_through_to_no_credentials,
                                        home_setup, home_teardown),
        cmocka_unit_test(bounds_line_file_and_profile_count),
        cmocka_unit_test(control_characters_in_a_value_are_refused_without_quoting_it),
        cmocka_unit_test_setup_teardown(a_profile_name_with_a_control_character_is_refused,
                                        home_setup, home_teardown),
        cmocka_unit_test(command_split_stays_within_its_buffers),
        cmocka_unit_test(process_output_refused_leaves_the_slot_empty),
        cmocka_unit_test_setup_teardown(role_profiles_need_a_source_and_no_chaining, home_setup,
                                        home_teardown),
        cmocka_unit_test(assume_role_answer_is_read_whole_or_refused),
        cmocka_unit_test_setup_teardown(credential_process_success, home_setup, home_teardown),
        cmocka_unit_test_setup_teardown(credential_process_failures, home_setup, home_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
