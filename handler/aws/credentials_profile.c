/* sw_creds profile provider (contract in credentials_profile.h). */
#define _POSIX_C_SOURCE 200809L
#include "handler/aws/credentials_profile.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void sw_profile_wipe(struct sw_profile *pr)
{
    if (pr)
        OPENSSL_cleanse(pr, sizeof(*pr));
}

static const char *trim(char *s, size_t *len)
{
    while (*len && (s[0] == ' ' || s[0] == '\t')) {
        s++;
        (*len)--;
    }
    while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\t' || s[*len - 1] == '\r'))
        (*len)--;
    return s;
}

/* The profile name of a header line "[...]" (trimmed inside), or NULL when the header is not a
 * profile of this file kind. */
static bool header_name(const char *in, size_t len, bool config_file, char *name, size_t cap)
{
    char buf[SW_PROFILE_MAX_LINE + 1];
    memcpy(buf, in, len);
    buf[len] = '\0';
    size_t n = len;
    const char *s = trim(buf, &n);
    if (config_file) {
        if (n == 7 && strncmp(s, "default", 7) == 0) {
            /* [default] */
        } else if (n > 8 && strncmp(s, "profile", 7) == 0 && (s[7] == ' ' || s[7] == '\t')) {
            s += 8;
            n -= 8;
            s = trim((char *)s, &n);
        } else {
            return false; /* [sso-session x], [services x], or not a profile */
        }
    }
    if (n == 0 || n >= cap)
        return false;
    memcpy(name, s, n);
    name[n] = '\0';
    return true;
}

/* True when v[0..n) has a control character (below space, or DEL); a tab passes when tab_ok. */
static bool value_has_ctl(const char *v, size_t n, bool tab_ok)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if ((c < 0x20 && !(tab_ok && c == '\t')) || c == 0x7f)
            return true;
    }
    return false;
}

int sw_profile_parse(const char *text, size_t len, bool config_file, const char *name,
                     const char *what, struct sw_profile *pr, bool *found, struct sw_error *err)
{
    if (len > SW_PROFILE_MAX_FILE)
        return sw_error_set(err, SW_ECONFIG, "%s is larger than %d bytes", what,
                            SW_PROFILE_MAX_FILE);
    /* Values the credentials file already gave are kept (it wins over the config file). */
    bool had_id = pr->has_key_id, had_secret = pr->has_secret, had_token = pr->has_token;
    bool had_process = pr->credential_process[0] != '\0', had_role = pr->role_arn[0] != '\0',
         had_source = pr->source_profile[0] != '\0';
    int profiles = 0, line_no = 0;
    bool in_section = false;
    size_t pos = 0;
    while (pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        pos += n + (nl ? 1 : 0);
        line_no++;
        if (n > SW_PROFILE_MAX_LINE)
            return sw_error_set(err, SW_ECONFIG, "%s line %d is longer than %d bytes", what,
                                line_no, SW_PROFILE_MAX_LINE);
        char buf[SW_PROFILE_MAX_LINE + 1];
        memcpy(buf, line, n);
        buf[n] = '\0';
        size_t tn = n;
        const char *t = trim(buf, &tn);
        if (tn == 0 || t[0] == '#' || t[0] == ';')
            continue;
        if (t[0] == '[') {
            const char *close = memchr(t, ']', tn);
            if (!close) {
                OPENSSL_cleanse(buf, sizeof(buf));
                return sw_error_set(err, SW_ECONFIG, "%s line %d: a section header without ']'",
                                    what, line_no);
            }
            if (++profiles > SW_PROFILE_MAX_PROFILES)
                return sw_error_set(err, SW_ECONFIG, "%s has more than %d sections", what,
                                    SW_PROFILE_MAX_PROFILES);
            char hname[SW_PROFILE_MAX_NAME + 1];
            in_section =
                header_name(t + 1, (size_t)(close - t - 1), config_file, hname, sizeof(hname)) &&
                strcmp(hname, name) == 0;
            if (in_section)
                *found = true;
            continue;
        }
        if (!in_section || t[0] == ' ' || line[0] == ' ' || line[0] == '\t') {
            OPENSSL_cleanse(buf, sizeof(buf));
            continue; /* other sections, and nested values (s3 = ...) are not ours */
        }
        const char *eq = memchr(t, '=', tn);
        if (!eq) {
            OPENSSL_cleanse(buf, sizeof(buf));
            continue;
        }
        size_t kn = (size_t)(eq - t);
        const char *k = trim((char *)t, &kn);
        size_t vn = tn - (size_t)(eq - t) - 1;
        const char *v = trim((char *)eq + 1, &vn);
        /* The keys scanwarden reads: where the value goes, and whether the credentials file
         * already gave it. Unknown keys (region, output, sso_*, ...) are ignored. */
        struct sw_creds_slot *s = &pr->keys;
        const struct {
            const char *key;
            char *dst;
            size_t cap;
            bool *flag, had, tab_ok;
        } keys[] = {
            {"aws_access_key_id", s->access_key_id, sizeof(s->access_key_id), &pr->has_key_id,
             had_id, false},
            {"aws_secret_access_key", s->secret, sizeof(s->secret), &pr->has_secret, had_secret,
             false},
            {"aws_session_token", s->token, sizeof(s->token), &pr->has_token, had_token, false},
            /* a tab separates the words of a command line */
            {"credential_process", pr->credential_process, sizeof(pr->credential_process), NULL,
             had_process, true},
            {"role_arn", pr->role_arn, sizeof(pr->role_arn), NULL, had_role, false},
            {"source_profile", pr->source_profile, sizeof(pr->source_profile), NULL, had_source,
             false},
        };
        size_t i = 0, nkeys = sizeof(keys) / sizeof(keys[0]);
        while (i < nkeys && !(strlen(keys[i].key) == kn && strncmp(k, keys[i].key, kn) == 0))
            i++;
        const char *bad = NULL;
        if (i < nkeys && !keys[i].had) {
            if (vn >= keys[i].cap)
                bad = "is too long";
            else if (value_has_ctl(v, vn, keys[i].tab_ok))
                bad = "has a control character"; /* it could reach a message or a request */
            else {
                memcpy(keys[i].dst, v, vn);
                keys[i].dst[vn] = '\0';
                if (keys[i].flag)
                    *keys[i].flag = true;
            }
        }
        OPENSSL_cleanse(buf, sizeof(buf));
        if (bad)
            return sw_error_set(err, SW_ECONFIG, "%s line %d: the value of %s %s", what, line_no,
                                keys[i].key, bad);
    }
    return 0;
}

/* Reads path into a malloc'd buffer (*text, *len). 0: read; 1: no such file; < 0: error. */
static int read_file(const char *path, const char *what, char **text, size_t *len,
                     struct sw_error *err)
{
    *text = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 1;
        return sw_error_set(err, SW_ECONFIG, "cannot read %s %.300s: %s", what, path,
                            strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return sw_error_set(err, SW_ECONFIG, "%s %.300s is not a regular file", what, path);
    }
    if (st.st_size > SW_PROFILE_MAX_FILE) {
        close(fd);
        return sw_error_set(err, SW_ECONFIG, "%s %.300s is larger than %d bytes", what, path,
                            SW_PROFILE_MAX_FILE);
    }
    char *buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        close(fd);
        return sw_error_set(err, SW_ENOMEM, "credentials: out of memory");
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = '\0';
    *text = buf;
    *len = got;
    return 0;
}

static int path_of(const struct sw_env *env, const char *var, const char *base, char *out,
                   size_t cap, struct sw_error *err)
{
    const char *p = sw_env_get_nonempty(env, var);
    if (p) {
        if (p[0] == '~' && p[1] == '/') {
            const char *home = sw_env_get_nonempty(env, "HOME");
            if (!home)
                return 1;
            if ((size_t)snprintf(out, cap, "%s%s", home, p + 1) >= cap)
                return sw_error_set(err, SW_ECONFIG, "%s is too long", var);
            return 0;
        }
        if ((size_t)snprintf(out, cap, "%s", p) >= cap)
            return sw_error_set(err, SW_ECONFIG, "%s is too long", var);
        return 0;
    }
    const char *home = sw_env_get_nonempty(env, "HOME");
    if (!home)
        return 1; /* no home: no shared files */
    if ((size_t)snprintf(out, cap, "%s/.aws/%s", home, base) >= cap)
        return sw_error_set(err, SW_ECONFIG, "HOME is too long");
    return 0;
}

int sw_profile_load(const struct sw_env *env, struct sw_profile *pr, struct sw_error *err)
{
    memset(pr, 0, sizeof(*pr));
    const char *chosen = sw_env_get_nonempty(env, "AWS_PROFILE");
    const char *name = chosen ? chosen : "default";
    if (strlen(name) > SW_PROFILE_MAX_NAME)
        return sw_error_set(err, SW_ECONFIG, "AWS_PROFILE is longer than %d bytes",
                            SW_PROFILE_MAX_NAME);
    if (sw_creds_has_ctl(name)) /* the name is quoted in messages */
        return sw_error_set(err, SW_ECONFIG, "AWS_PROFILE has a control character");
    static const struct {
        const char *var, *base, *what;
        bool config;
    } files[] = {
        {"AWS_SHARED_CREDENTIALS_FILE", "credentials", "the shared credentials file", false},
        {"AWS_CONFIG_FILE", "config", "the shared config file", true},
    };
    bool found = false;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char path[4096];
        int rc = path_of(env, files[i].var, files[i].base, path, sizeof(path), err);
        if (rc < 0)
            return rc;
        if (rc == 1)
            continue;
        char *text;
        size_t len;
        rc = read_file(path, files[i].what, &text, &len, err);
        if (rc < 0)
            return rc;
        if (rc == 1)
            continue;
        rc = sw_profile_parse(text, len, files[i].config, name, files[i].what, pr, &found, err);
        OPENSSL_cleanse(text, len);
        free(text);
        if (rc) {
            sw_profile_wipe(pr);
            return rc;
        }
    }
    if (!found) {
        sw_profile_wipe(pr);
        if (chosen)
            return sw_error_set(err, SW_ECONFIG,
                                "AWS_PROFILE=%s: no such profile in the shared credentials or "
                                "config file (~/.aws/credentials, ~/.aws/config, or "
                                "AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE)",
                                name);
        return 0;
    }
    return 1;
}

/* ---- credential_process ---- */

int sw_creds_process_split(const char *command, char *buf, size_t cap, char **argv, int max)
{
    int argc = 0;
    size_t o = 0;
    const char *c = command;
    while (*c) {
        while (*c == ' ' || *c == '\t')
            c++;
        if (!*c)
            break;
        if (argc >= max - 1)
            return -1;
        argv[argc++] = buf + o;
        bool quoted = false;
        while (*c && (quoted || (*c != ' ' && *c != '\t'))) {
            if (*c == '"') {
                quoted = !quoted;
                c++;
                continue;
            }
            if (quoted && *c == '\\' && (c[1] == '"' || c[1] == '\\'))
                c++;
            if (o + 1 >= cap)
                return -1;
            buf[o++] = *c++;
        }
        if (quoted || o >= cap) /* o == cap: an empty word ("") after a full buffer */
            return -1;
        buf[o++] = '\0';
    }
    argv[argc] = NULL;
    return argc;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int sw_creds_process_parse(const char *body, size_t len, struct sw_creds_slot *out,
                           struct sw_error *err)
{
    sw_creds_slot_wipe(out); /* whatever out held, a failure leaves no credentials in it */
    cJSON *root = cJSON_ParseWithLength(body, len);
    int rc = 0;
    if (!cJSON_IsObject(root)) {
        rc = sw_error_set(err, SW_ECREDS, "credential_process: its output is not a JSON object");
        goto done;
    }
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "Version");
    if (!cJSON_IsNumber(ver) || ver->valuedouble != 1) {
        rc = sw_error_set(err, SW_ECREDS,
                          "credential_process: its output has no \"Version\": 1 (the only "
                          "version the SDKs define)");
        goto done;
    }
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "AccessKeyId");
    const cJSON *secret = cJSON_GetObjectItemCaseSensitive(root, "SecretAccessKey");
    const cJSON *token = cJSON_GetObjectItemCaseSensitive(root, "SessionToken");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(root, "Expiration");
    if (!cJSON_IsString(id) || !*id->valuestring || !cJSON_IsString(secret) ||
        !*secret->valuestring) {
        rc = sw_error_set(err, SW_ECREDS,
                          "credential_process: its output lacks AccessKeyId or SecretAccessKey");
        goto done;
    }
    if (!sw_creds_copy_secret(out->access_key_id, sizeof(out->access_key_id), id->valuestring) ||
        !sw_creds_copy_secret(out->secret, sizeof(out->secret), secret->valuestring) ||
        (cJSON_IsString(token) &&
         !sw_creds_copy_secret(out->token, sizeof(out->token), token->valuestring)) ||
        sw_creds_has_ctl(out->access_key_id) || sw_creds_has_ctl(out->secret) ||
        sw_creds_has_ctl(out->token)) {
        sw_creds_slot_wipe(out);
        rc = sw_error_set(err, SW_ECREDS,
                          "credential_process: a credential in its output is too long or has "
                          "control characters");
        goto done;
    }
    if (cJSON_IsString(exp) && sw_creds_parse_time(exp->valuestring, &out->expiration) != 0) {
        sw_creds_slot_wipe(out);
        rc = sw_error_set(err, SW_ECREDS, "credential_process: Expiration is not an RFC 3339 time");
        goto done;
    }
    out->set = true;
done:
    sw_creds_json_delete(root);
    return rc;
}

int sw_creds_process_run(const char *command, long timeout_ms, struct sw_creds_slot *out,
                         struct sw_error *err)
{
    char words[SW_PROFILE_MAX_VALUE + 1];
    char *argv[SW_PROCESS_MAX_ARGS + 1];
    if (timeout_ms <= 0)
        timeout_ms = SW_PROCESS_TIMEOUT_MS;
    int argc = sw_creds_process_split(command, words, sizeof(words), argv, SW_PROCESS_MAX_ARGS + 1);
    if (argc <= 0)
        return sw_error_set(err, SW_ECONFIG,
                            "credential_process: the command is empty, has an unclosed quote or "
                            "more than %d words",
                            SW_PROCESS_MAX_ARGS);
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return sw_error_set(err, SW_ECREDS, "credential_process: pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(pipefd[0]);
        close(pipefd[1]);
        return sw_error_set(err, SW_ECREDS, "credential_process: fork: %s", strerror(errno));
    }
    if (pid == 0) {
        /* child: stdout to the pipe, stdin and stderr to /dev/null (never read, never logged) */
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 2);
        }
        dup2(pipefd[1], 1);
        close(pipefd[0]);
        setpgid(0, 0);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(pipefd[1]);
    char *buf = malloc(SW_PROCESS_MAX_OUTPUT + 1);
    size_t got = 0;
    bool too_long = false, timed_out = false;
    long deadline = now_ms() + timeout_ms;
    for (;;) {
        long left = deadline - now_ms();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
        int pr = poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            continue;
        char tmp[4096];
        ssize_t r = read(pipefd[0], tmp, sizeof(tmp));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; /* end of output */
        if (!buf || got + (size_t)r > SW_PROCESS_MAX_OUTPUT) {
            too_long = buf != NULL;
            OPENSSL_cleanse(tmp, sizeof(tmp));
            break;
        }
        memcpy(buf + got, tmp, (size_t)r);
        got += (size_t)r;
        OPENSSL_cleanse(tmp, sizeof(tmp));
    }
    close(pipefd[0]);
    if (timed_out || too_long || !buf)
        kill(-pid, SIGKILL), kill(pid, SIGKILL);
    int status = 0;
    /* The output is closed; wait for the exit within what is left of the time limit. */
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR))
            break;
        if (now_ms() >= deadline) {
            timed_out = true;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    int rc;
    if (!buf)
        rc = sw_error_set(err, SW_ENOMEM, "credentials: out of memory");
    else if (timed_out)
        rc = sw_error_set(err, SW_ECREDS, "credential_process %.200s: no answer within %ld ms",
                          argv[0], timeout_ms);
    else if (too_long)
        rc = sw_error_set(err, SW_ECREDS,
                          "credential_process %.200s: its output is longer than %d bytes", argv[0],
                          SW_PROCESS_MAX_OUTPUT);
    else if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && got == 0)
        rc = sw_error_set(err, SW_ECREDS,
                          "credential_process %.200s: could not be run (not found or not "
                          "executable)",
                          argv[0]);
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        rc = sw_error_set(err, SW_ECREDS,
                          "credential_process %.200s failed (%s %d); its stderr is not read",
                          argv[0], WIFEXITED(status) ? "exit status" : "signal",
                          WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    else
        rc = sw_creds_process_parse(buf, got, out, err);
    if (buf) {
        OPENSSL_cleanse(buf, SW_PROCESS_MAX_OUTPUT + 1);
        free(buf);
    }
    OPENSSL_cleanse(words, sizeof(words));
    return rc;
}

int sw_profile_credentials(const struct sw_profile *pr, const char *name, struct sw_creds_slot *out,
                           struct sw_error *err)
{
    if (pr->has_key_id || pr->has_secret) {
        if (!pr->has_key_id || !pr->has_secret)
            return sw_error_set(err, SW_ECONFIG, "profile %s has %s but not %s", name,
                                pr->has_key_id ? "aws_access_key_id" : "aws_secret_access_key",
                                pr->has_key_id ? "aws_secret_access_key" : "aws_access_key_id");
        if (sw_creds_has_ctl(pr->keys.access_key_id) || sw_creds_has_ctl(pr->keys.secret) ||
            sw_creds_has_ctl(pr->keys.token))
            return sw_error_set(err, SW_ECONFIG, "profile %s: a key has control characters", name);
        sw_creds_slot_wipe(out);
        *out = pr->keys;
        out->expiration = 0;
        out->set = true;
        return 0;
    }
    if (pr->role_arn[0])
        return sw_error_set(err, SW_ECONFIG,
                            "profile %s uses role_arn, which this build of scanwarden does not "
                            "support yet: export the role's credentials (e.g. aws configure "
                            "export-credentials) or use a credential_process",
                            name);
    if (pr->credential_process[0])
        return sw_creds_process_run(pr->credential_process, SW_PROCESS_TIMEOUT_MS, out, err);
    return sw_error_set(err, SW_ECONFIG,
                        "profile %s has no aws_access_key_id/aws_secret_access_key and no "
                        "credential_process",
                        name);
}
