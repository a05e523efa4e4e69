/* rt_bench: a minimal Runtime API server and launcher for scripts/bench.sh runtime.
 *
 * Python's http.server would be the bottleneck at 40,000 requests, and timing a
 * cold start from a shell adds the shell's own noise, so this one C process does
 * both: it spawns the function, times exec -> first GET /next on CLOCK_MONOTONIC,
 * serves a fixed payload N times over HTTP/1.1 keep-alive, ends the function with
 * a 500, and reads the function's user+sys CPU and peak RSS from wait4().
 *
 *   rt_bench startup RUNS PROGRAM...  median/min/p90 exec -> first /next, in ms, and the
 *                                     median CPU (user+sys) of a process that starts,
 *                                     reaches /next, gets a 500 and exits; with several
 *                                     programs they take turns, one line each
 *   rt_bench loop N BYTES PROGRAM     CPU per invocation (us), peak RSS (KiB): the
 *                                     function's VmHWM, read when it asks for one more
 *                                     invocation after the last (wait4's ru_maxrss would
 *                                     also count this process, whose memory a
 *                                     posix_spawn child shares until its exec)
 *   rt_bench aws RUNS CERT KEY EVENT PROGRAM...
 *                                     the function's first AWS request over TLS: serves
 *                                     EVENT (a JSON file) as the first invocation, points
 *                                     AWS_ENDPOINT_URL at a local TLS server (CERT, KEY;
 *                                     SSL_CERT_FILE must name CERT) and times exec -> first
 *                                     /next, -> the TCP connection to AWS, -> the first
 *                                     request's head read over TLS, and the function's CPU
 *                                     up to then (medians); then ends it with SIGTERM.
 *                                     Several programs take turns, one line each */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define REQ_MAX (8u * 1024u * 1024u)

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int listen_loopback(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        perror("listen");
        exit(2);
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* The function's environment: the Runtime API address, WARN logging, extra (NULL or one
 * more VAR=value), and the caller's AWS_*, SNS_TOPIC_ARN and SSL_CERT_FILE variables (the
 * bootstrap needs its configuration; scripts/bench.sh artifact sets it). */
#define ENV_MAX 64
static pid_t spawn_env(const char *prog, int port, char *extra)
{
    char env_api[64];
    snprintf(env_api, sizeof(env_api), "AWS_LAMBDA_RUNTIME_API=127.0.0.1:%d", port);
    char *envp[ENV_MAX + 1] = {env_api, "AWS_LAMBDA_LOG_LEVEL=WARN"};
    int n = 2;
    if (extra)
        envp[n++] = extra;
    for (char **e = environ; *e && n < ENV_MAX; e++)
        if ((strncmp(*e, "AWS_", 4) == 0 || strncmp(*e, "SNS_TOPIC_ARN=", 14) == 0 ||
             strncmp(*e, "SSL_CERT_FILE=", 14) == 0) &&
            strncmp(*e, "AWS_LAMBDA_RUNTIME_API=", 23) != 0 &&
            strncmp(*e, "AWS_LAMBDA_LOG_LEVEL=", 21) != 0 &&
            !(extra && strncmp(*e, extra, (size_t)(strchr(extra, '=') - extra + 1)) == 0))
            envp[n++] = *e;
    envp[n] = NULL;
    char *argv[] = {(char *)prog, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, prog, NULL, NULL, argv, envp);
    if (rc != 0) {
        fprintf(stderr, "spawn %s: %s\n", prog, strerror(rc));
        exit(2);
    }
    return pid;
}

static pid_t spawn(const char *prog, int port)
{
    return spawn_env(prog, port, NULL);
}

struct conn {
    int fd;
    char *buf;
    size_t len; /* bytes buffered */
};

/* Reads one request; returns its total length (headers + body) in c->buf, 0 on EOF.
 * *is_get tells GET from POST; *body_len is the Content-Length. */
static size_t read_request(struct conn *c, int *is_get, size_t *body_len)
{
    for (;;) {
        char *end = c->len ? memmem(c->buf, c->len, "\r\n\r\n", 4) : NULL;
        if (end) {
            size_t head = (size_t)(end - c->buf) + 4;
            size_t cl = 0;
            char *p = memmem(c->buf, head, "Content-Length:", 15);
            if (!p)
                p = memmem(c->buf, head, "content-length:", 15);
            if (p)
                cl = strtoul(p + 15, NULL, 10);
            if (c->len >= head + cl) {
                *is_get = c->buf[0] == 'G';
                *body_len = cl;
                return head + cl;
            }
        }
        if (c->len == REQ_MAX) {
            fprintf(stderr, "request too large\n");
            exit(2);
        }
        ssize_t n = read(c->fd, c->buf + c->len, REQ_MAX - c->len);
        if (n <= 0)
            return 0;
        c->len += (size_t)n;
    }
}

static void consume(struct conn *c, size_t n)
{
    memmove(c->buf, c->buf + n, c->len - n);
    c->len -= n;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

static const char R500[] = "HTTP/1.1 500 Internal Server Error\r\nContent-Type: "
                           "application/json\r\nContent-Length: 2\r\n\r\n{}";
static const char R202[] = "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n"
                           "Content-Length: 16\r\n\r\n{\"status\":\"OK\"}\n";

static int accept_conn(int lfd)
{
    int fd = accept(lfd, NULL, NULL);
    int one = 1;
    if (fd < 0) {
        perror("accept");
        exit(2);
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

/* The peak resident set of pid since its exec (VmHWM), in KiB; -1 if unreadable. */
static long vm_hwm_kib(pid_t pid)
{
    char path[64], line[256];
    long kib = -1;
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One cold start of prog: *ms exec -> first GET /next, *cpu_ms its user+sys CPU. */
static int cold_start(const char *prog, struct conn *c, double *ms, double *cpu_ms)
{
    int port, is_get, status;
    size_t body;
    int lfd = listen_loopback(&port);
    double t0 = now_ms();
    pid_t pid = spawn(prog, port);
    c->fd = accept_conn(lfd);
    c->len = 0;
    if (read_request(c, &is_get, &body) == 0 || !is_get) {
        fprintf(stderr, "no GET /next from %s\n", prog);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return 2;
    }
    *ms = now_ms() - t0;
    write_all(c->fd, R500, sizeof(R500) - 1);
    struct rusage ru;
    wait4(pid, &status, 0, &ru);
    *cpu_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
              (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    close(c->fd);
    close(lfd);
    return 0;
}

/* RUNS cold starts of each program, taking turns (one of each, then again), so that a
 * change of load on the machine falls on all of them alike; one line per program. */
static int startup(int runs, int nprog, char **progs)
{
    double *t = calloc((size_t)(runs * nprog), sizeof(double));
    double *cpu = calloc((size_t)(runs * nprog), sizeof(double));
    struct conn c = {.buf = malloc(REQ_MAX)};
    for (int i = 0; i < runs; i++)
        for (int p = 0; p < nprog; p++)
            if (cold_start(progs[p], &c, &t[p * runs + i], &cpu[p * runs + i]) != 0)
                return 2;
    for (int p = 0; p < nprog; p++) {
        double *tp = t + p * runs, *cp = cpu + p * runs;
        qsort(tp, (size_t)runs, sizeof(double), cmp_double);
        qsort(cp, (size_t)runs, sizeof(double), cmp_double);
        printf("startup_ms median=%.3f min=%.3f p90=%.3f cpu_ms_median=%.3f runs=%d prog=%s\n",
               tp[runs / 2], tp[0], tp[(runs * 9) / 10], cp[runs / 2], runs, progs[p]);
    }
    free(t);
    free(cpu);
    free(c.buf);
    return 0;
}

static int loop(long n, size_t bytes, const char *prog)
{
    struct conn c = {.buf = malloc(REQ_MAX)};
    char *payload = malloc(bytes + 1);
    char *resp = malloc(bytes + 512);
    int port, is_get, status, connections = 0;
    long served = 0, answered = 0, mismatched = 0, hwm = -1;
    size_t body;
    struct rusage ru;

    for (size_t i = 0; i < bytes; i++)
        payload[i] = (char)('a' + i % 26);
    int lfd = listen_loopback(&port);
    double t0 = now_ms();
    pid_t pid = spawn(prog, port);
    c.fd = accept_conn(lfd);
    connections++;
    for (;;) {
        size_t total = read_request(&c, &is_get, &body);
        if (total == 0) { /* the client reconnected (should not happen) */
            close(c.fd);
            c.fd = accept_conn(lfd);
            c.len = 0;
            connections++;
            continue;
        }
        if (is_get) {
            if (served == n) {
                hwm = vm_hwm_kib(pid);
                write_all(c.fd, R500, sizeof(R500) - 1);
                consume(&c, total);
                break;
            }
            served++;
            int h = snprintf(resp, 512,
                             "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: "
                             "bench-%08ld-0000-0000-000000000000\r\n"
                             "Lambda-Runtime-Deadline-Ms: 4102444800000\r\n"
                             "Lambda-Runtime-Invoked-Function-Arn: "
                             "arn:aws:lambda:us-east-1:123456789012:function:bench\r\n"
                             "Lambda-Runtime-Trace-Id: Root=1-5759e988-%024ld;"
                             "Parent=53995c3f42cd8ad8;Sampled=1\r\n"
                             "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                             served, served, bytes);
            memcpy(resp + h, payload, bytes);
            write_all(c.fd, resp, (size_t)h + bytes);
        } else {
            answered++;
            if (body != bytes || memcmp(c.buf + total - body, payload, bytes) != 0)
                mismatched++;
            write_all(c.fd, R202, sizeof(R202) - 1);
        }
        consume(&c, total);
    }
    if (wait4(pid, &status, 0, &ru) != pid) {
        perror("wait4");
        return 2;
    }
    double wall = now_ms() - t0;
    double cpu_us =
        (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
    printf("loop invocations=%ld answered=%ld mismatched=%ld connections=%d payload=%zu "
           "cpu_us_total=%.0f user_us=%.0f sys_us=%.0f cpu_us_per_invocation=%.2f "
           "max_rss_kib=%ld wall_ms=%.0f exit=%d\n",
           n, answered, mismatched, connections, bytes, cpu_us,
           ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec,
           ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec, cpu_us / (double)n, hwm, wall,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    free(payload);
    free(resp);
    free(c.buf);
    return (answered == n && mismatched == 0) ? 0 : 1;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = f ? malloc(1 << 20) : NULL;
    if (!p) {
        fprintf(stderr, "%s: cannot read\n", path);
        exit(2);
    }
    *len = fread(p, 1, (1 << 20) - 1, f);
    fclose(f);
    return p;
}

static double ms_since(double t0)
{
    return now_ms() - t0;
}

static void print_stat(const char *name, double *v, int runs)
{
    qsort(v, (size_t)runs, sizeof(double), cmp_double);
    printf(" %s_median=%.3f %s_min=%.3f %s_p90=%.3f", name, v[runs / 2], name, v[0], name,
           v[(runs * 9) / 10]);
}

/* One run of prog up to its first AWS request over TLS: out[0..3] = ms to /next, to the
 * TCP connection to AWS, to the request's head, and the CPU ms up to then. */
static int aws_one(const char *prog, SSL_CTX *ctx, const char *payload, size_t elen, int i,
                   struct conn *c, double out[4], char *first_line, size_t first_cap)
{
    int port, aport, is_get, status;
    size_t body;
    char head[1024], req[4096];
    int lfd = listen_loopback(&port);
    int afd = listen_loopback(&aport);
    char endpoint[64];
    snprintf(endpoint, sizeof(endpoint), "AWS_ENDPOINT_URL=https://127.0.0.1:%d", aport);
    double t0 = now_ms();
    pid_t pid = spawn_env(prog, port, endpoint);
    c->fd = accept_conn(lfd);
    c->len = 0;
    if (read_request(c, &is_get, &body) == 0 || !is_get) {
        fprintf(stderr, "no GET /next from %s\n", prog);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return 2;
    }
    out[0] = ms_since(t0);
    int h = snprintf(head, sizeof(head),
                     "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: "
                     "aws-%08d-0000-0000-000000000000\r\n"
                     "Lambda-Runtime-Deadline-Ms: 4102444800000\r\n"
                     "Lambda-Runtime-Invoked-Function-Arn: "
                     "arn:aws:lambda:us-east-1:123456789012:function:bench\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                     i, elen);
    write_all(c->fd, head, (size_t)h);
    write_all(c->fd, payload, elen);
    struct pollfd pf = {.fd = afd, .events = POLLIN};
    if (poll(&pf, 1, 10000) != 1) {
        fprintf(stderr, "%s made no AWS request within 10 s\n", prog);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return 2;
    }
    int fd = accept_conn(afd);
    out[1] = ms_since(t0);
    SSL *s = SSL_new(ctx);
    SSL_set_fd(s, fd);
    size_t got = 0;
    req[0] = '\0';
    if (SSL_accept(s) == 1) {
        while (got < sizeof(req) - 1) {
            int n = SSL_read(s, req + got, (int)(sizeof(req) - 1 - got));
            if (n <= 0)
                break;
            got += (size_t)n;
            req[got] = '\0';
            if (strstr(req, "\r\n\r\n"))
                break;
        }
    }
    out[2] = ms_since(t0);
    if (!strstr(req, "\r\n\r\n")) {
        fprintf(stderr, "no request over TLS from %s:\n", prog);
        ERR_print_errors_fp(stderr);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return 2;
    }
    snprintf(first_line, first_cap, "%.*s", (int)strcspn(req, "\r"), req);
    /* SIGTERM, not SIGKILL: a callgrind wrapper writes its profile on it. */
    kill(pid, SIGTERM);
    struct rusage ru;
    wait4(pid, &status, 0, &ru);
    out[3] = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
             (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    SSL_free(s);
    close(fd);
    close(c->fd);
    close(afd);
    close(lfd);
    return 0;
}

/* RUNS runs of each program up to its first AWS request, taking turns; one line each. */
static int aws(int runs, int nprog, char **progs, const char *cert, const char *key,
               const char *event)
{
    static const char *names[4] = {"next_ms", "connect_ms", "request_ms", "cpu_ms"};
    size_t elen;
    char *payload = read_file(event, &elen);
    double *v = calloc((size_t)(4 * runs * nprog), sizeof(double));
    struct conn c = {.buf = malloc(REQ_MAX)};
    char first_line[256] = "";
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
        fprintf(stderr, "TLS server: cannot load %s / %s\n", cert, key);
        return 2;
    }
    for (int i = 0; i < runs; i++)
        for (int p = 0; p < nprog; p++) {
            double out[4];
            if (aws_one(progs[p], ctx, payload, elen, i, &c, out, first_line, sizeof(first_line)) !=
                0)
                return 2;
            for (int k = 0; k < 4; k++)
                v[(p * 4 + k) * runs + i] = out[k];
        }
    for (int p = 0; p < nprog; p++) {
        printf("aws runs=%d", runs);
        for (int k = 0; k < 4; k++)
            print_stat(names[k], v + (p * 4 + k) * runs, runs);
        printf(" first_request=\"%s\" prog=%s\n", first_line, progs[p]);
    }
    SSL_CTX_free(ctx);
    free(payload);
    free(v);
    free(c.buf);
    return 0;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc >= 4 && strcmp(argv[1], "startup") == 0)
        return startup(atoi(argv[2]), argc - 3, argv + 3);
    if (argc == 5 && strcmp(argv[1], "loop") == 0)
        return loop(atol(argv[2]), (size_t)atol(argv[3]), argv[4]);
    if (argc >= 7 && strcmp(argv[1], "aws") == 0)
        return aws(atoi(argv[2]), argc - 6, argv + 6, argv[3], argv[4], argv[5]);
    fprintf(stderr, "usage: rt_bench startup RUNS PROGRAM... | loop N BYTES PROGRAM | "
                    "aws RUNS CERT KEY EVENT PROGRAM...\n");
    return 2;
}
