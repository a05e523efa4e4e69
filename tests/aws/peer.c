/* test_peer: start a Python peer with pipes, exchange JSON lines with timeouts, stop it. */
#include "aws/peer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES (16 * 1024 * 1024)

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One line (without '\n'), malloc'd, or NULL on timeout/EOF. */
static char *read_line(struct test_peer *p, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    for (;;) {
        char *nl = p->len ? memchr(p->buf, '\n', p->len) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - p->buf);
            char *line = malloc(n + 1);
            if (!line)
                return NULL;
            memcpy(line, p->buf, n);
            line[n] = '\0';
            memmove(p->buf, nl + 1, p->len - n - 1);
            p->len -= n + 1;
            return line;
        }
        long long left = deadline - now_ms();
        if (left <= 0 || p->len >= LINE_MAX_BYTES)
            return NULL;
        struct pollfd pfd = {.fd = p->from_child, .events = POLLIN};
        int r = poll(&pfd, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return NULL;
        if (p->cap - p->len < 65536) {
            size_t cap = p->cap ? p->cap * 2 : 131072;
            char *bigger = realloc(p->buf, cap);
            if (!bigger)
                return NULL;
            p->buf = bigger;
            p->cap = cap;
        }
        ssize_t got = read(p->from_child, p->buf + p->len, p->cap - p->len);
        if (got <= 0)
            return NULL;
        p->len += (size_t)got;
    }
}

cJSON *test_peer_start(struct test_peer *p, const char *script, const char *const *args,
                       int timeout_ms)
{
    int in[2], out[2];
    char path[1024];
    const char *argv[32];
    size_t n = 0;
    const char *py = getenv("SW_PYTHON3");

    memset(p, 0, sizeof(*p));
    p->pid = -1;
    snprintf(path, sizeof(path), "%s/tests/peers/%s", SW_SOURCE_DIR, script);
    argv[n++] = py && *py ? py : "python3";
    argv[n++] = path;
    for (size_t i = 0; args && args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    if (pipe(in) || pipe(out))
        return NULL;
    pid_t pid = fork();
    if (pid < 0)
        return NULL;
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    fcntl(in[1], F_SETFD, FD_CLOEXEC);
    fcntl(out[0], F_SETFD, FD_CLOEXEC);
    p->pid = pid;
    p->to_child = in[1];
    p->from_child = out[0];
    char *line = read_line(p, timeout_ms);
    cJSON *ready = line ? cJSON_Parse(line) : NULL;
    free(line);
    if (!ready)
        test_peer_stop(p);
    return ready;
}

cJSON *test_peer_command(struct test_peer *p, const char *json, int timeout_ms)
{
    size_t len = strlen(json);
    if (p->pid <= 0 || write(p->to_child, json, len) != (ssize_t)len ||
        write(p->to_child, "\n", 1) != 1)
        return NULL;
    char *line = read_line(p, timeout_ms);
    cJSON *answer = line ? cJSON_Parse(line) : NULL;
    free(line);
    return answer;
}

void test_peer_stop(struct test_peer *p)
{
    if (p->pid > 0) {
        static const char stop[] = "{\"cmd\":\"stop\"}\n";
        ssize_t ignored = write(p->to_child, stop, sizeof(stop) - 1);
        (void)ignored;
        close(p->to_child);
        int status;
        long long deadline = now_ms() + 5000;
        while (waitpid(p->pid, &status, WNOHANG) == 0) {
            if (now_ms() > deadline) {
                kill(p->pid, SIGKILL);
                waitpid(p->pid, &status, 0);
                break;
            }
            usleep(10000);
        }
        close(p->from_child);
    }
    free(p->buf);
    memset(p, 0, sizeof(*p));
    p->pid = -1;
}

bool test_peer_script(struct test_peer *p, const char *responses)
{
    static const char head[] = "{\"cmd\":\"script\",\"responses\":";
    size_t len = strlen(head) + strlen(responses) + 2;
    char *cmd = malloc(len);
    if (cmd == NULL)
        return false;
    snprintf(cmd, len, "%s%s}", head, responses);
    cJSON *ok = test_peer_command(p, cmd, 5000);
    free(cmd);
    cJSON_Delete(ok);
    return ok != NULL;
}

cJSON *test_peer_requests(struct test_peer *p)
{
    return test_peer_command(p, "{\"cmd\":\"requests\"}", 5000);
}

const char *test_peer_header(const cJSON *req, const char *name)
{
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(req, "headers");
    for (const cJSON *it = h ? h->child : NULL; it; it = it->next) {
        if (it->string && strcasecmp(it->string, name) == 0)
            return cJSON_IsString(it) ? it->valuestring : NULL;
    }
    return NULL;
}

int test_peer_start_fault_server(struct test_peer *p, char *endpoint, size_t cap)
{
    cJSON *ready = test_peer_start(p, "fault_server.py", NULL, 10000);
    if (!ready)
        return -1;
    const cJSON *port = cJSON_GetObjectItemCaseSensitive(ready, "port");
    int rc = cJSON_IsNumber(port) ? 0 : -1;
    if (rc == 0)
        snprintf(endpoint, cap, "http://127.0.0.1:%d", (int)port->valuedouble);
    cJSON_Delete(ready);
    return rc;
}
