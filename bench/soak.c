/* soak: runs build/bootstrap for N invocations of mixed events and watches its memory and
 * descriptors (scripts/bench.sh soak; a benchmark, not a test).
 *
 * One single-threaded poll() loop serves both sides of the function over loopback: the
 * Runtime API (GET /next hands out findings, CloudTrail config changes, schedules, Security
 * Hub signals, invalid and unhandled payloads in turn; POST .../response|error) and a fake
 * AWS endpoint (Inspector2, ECR, SNS answers; every 10th drift check sees Inspector's ECR
 * scanning DISABLED, so Enable and Publish run too). Python servers would be the
 * bottleneck at a million invocations. Every SAMPLE invocations it reads the function's
 * VmRSS, VmHWM and open descriptors from /proc; at the end it prints the samples, whether
 * RSS stayed within 1 MiB of its post-warm-up value and the descriptor count constant, and
 * the function's CPU time from wait4().
 *
 *   soak N SAMPLE WARMUP EVENTS_DIR PROGRAM    (SNS_TOPIC_ARN etc. come from the caller) */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define CONN_MAX 16
#define REQ_MAX (8u * 1024u * 1024u)
#define EVENT_MAX (256u * 1024u)
#define RSS_TOLERANCE_KB 1024
#define SAMPLES_MAX 4096

struct conn {
    int fd;
    int is_runtime; /* accepted on the Runtime API port, else the AWS port */
    char *buf;
    size_t len;
};

struct sample {
    long invocations;
    long rss_kb, hwm_kb;
    int fds;
};

struct soak {
    long target, served, answered, errors, aws_calls, publishes;
    long drift_checks;
    int disabled_once; /* the next BatchGetAccountStatus answers DISABLED */
    pid_t pid;
    char *events[8];
    size_t event_len[8];
    char *body; /* scratch for one Runtime API answer */
    struct sample samples[SAMPLES_MAX];
    size_t sample_count;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

static char *read_file(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "soak: cannot read %s\n", path);
        exit(2);
    }
    char *b = malloc(EVENT_MAX);
    *len = b ? fread(b, 1, EVENT_MAX - 1, f) : 0;
    fclose(f);
    if (!b)
        exit(2);
    b[*len] = '\0';
    return b;
}

static char *literal(const char *s, size_t *len)
{
    *len = strlen(s);
    return strdup(s);
}

/* The rotation: findings (a new finding id each time), config changes, checks, garbage. */
static void load_events(struct soak *s, const char *dir)
{
    s->events[0] =
        read_file(dir, "inspector2-finding-ecr.inspector-docs-2024.json", &s->event_len[0]);
    s->events[1] =
        read_file(dir, "synthesized/cloudtrail-inspector2-Disable-ECR.json", &s->event_len[1]);
    s->events[2] = read_file(dir, "scheduled-event.eventbridge-docs.json", &s->event_len[2]);
    s->events[3] = read_file(dir, "synthesized/securityhub-findings-imported-Inspector.2.json",
                             &s->event_len[3]);
    s->events[4] = literal("{\"detail\": [1, 2, {\"x\": \"\xff\xfe not json", &s->event_len[4]);
    s->events[5] = literal("[\"an array is not an event\"]", &s->event_len[5]);
    s->events[6] =
        literal("{\"source\":\"aws.s3\",\"detail-type\":\"Object Created\",\"detail\":{}}",
                &s->event_len[6]);
    s->events[7] = read_file(dir, "inspector2-scan-ecr.inspector-docs-2023.json", &s->event_len[7]);
}

static pid_t spawn(const char *prog, int rt_port, int aws_port)
{
    static char env_api[64], env_aws[64];
    snprintf(env_api, sizeof(env_api), "AWS_LAMBDA_RUNTIME_API=127.0.0.1:%d", rt_port);
    snprintf(env_aws, sizeof(env_aws), "AWS_ENDPOINT_URL=http://127.0.0.1:%d", aws_port);
    static const char *const PASS[] = {"AWS_",
                                       "SNS_TOPIC_ARN=",
                                       "MIN_SEVERITY=",
                                       "REMEDIATION_MODE=",
                                       "SCAN_FREQUENCY=",
                                       "REPOSITORY_FILTERS=",
                                       "ECR_RESCAN_DURATION=",
                                       "MAX_NOTIFICATIONS_PER_INVOCATION="};
    char *envp[64] = {env_api, env_aws};
    int n = 2;
    for (char **e = environ; *e && n < 63; e++) {
        if (strncmp(*e, "AWS_LAMBDA_RUNTIME_API=", 23) == 0 ||
            strncmp(*e, "AWS_ENDPOINT_URL", 16) == 0)
            continue; /* ours; no per-service endpoint may bypass the fake */
        for (size_t k = 0; k < sizeof(PASS) / sizeof(PASS[0]); k++)
            if (strncmp(*e, PASS[k], strlen(PASS[k])) == 0) {
                envp[n++] = *e;
                break;
            }
    }
    envp[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1 /* O_WRONLY */, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", 1, 0);
    char *argv[] = {(char *)prog, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, prog, &fa, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        fprintf(stderr, "soak: spawn %s: %s\n", prog, strerror(rc));
        exit(2);
    }
    return pid;
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

static void respond(int fd, const char *status, const char *extra_headers, const char *body,
                    size_t len)
{
    char head[1024];
    int n = snprintf(head, sizeof(head), "HTTP/1.1 %s\r\n%sContent-Length: %zu\r\n\r\n", status,
                     extra_headers, len);
    write_all(fd, head, (size_t)n);
    write_all(fd, body, len);
}

static void sample(struct soak *s)
{
    char path[64], line[256];
    struct sample x = {.invocations = s->answered};
    snprintf(path, sizeof(path), "/proc/%d/status", (int)s->pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof(line), f)) {
        if (strncmp(line, "VmRSS:", 6) == 0)
            x.rss_kb = strtol(line + 6, NULL, 10);
        else if (strncmp(line, "VmHWM:", 6) == 0)
            x.hwm_kb = strtol(line + 6, NULL, 10);
    }
    if (f)
        fclose(f);
    snprintf(path, sizeof(path), "/proc/%d/fd", (int)s->pid);
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        x.fds += e->d_name[0] != '.';
    if (d)
        closedir(d);
    if (s->sample_count < SAMPLES_MAX)
        s->samples[s->sample_count++] = x;
}

/* GET /next: the next event of the rotation, or 500 when the run is over. */
static void serve_next(struct soak *s, int fd)
{
    if (s->served >= s->target) {
        static const char body[] = "{\"errorMessage\":\"soak over\"}";
        respond(fd, "500 Internal Server Error", "Content-Type: application/json\r\n", body,
                sizeof(body) - 1);
        return;
    }
    long i = s->served++;
    size_t k = (size_t)(i % 8);
    size_t len = s->event_len[k];
    memcpy(s->body, s->events[k], len + 1);
    if (k == 0) { /* a new finding id each time, so the duplicate cache keeps turning */
        char *id = strstr(s->body, "{{FINDING_ID}}");
        if (id) {
            char tmp[16];
            snprintf(tmp, sizeof(tmp), "soak%010ld", i % 10000000000L);
            memcpy(id, tmp, 14);
        }
    }
    if (k == 1 || k == 2 || k == 3)
        s->drift_checks++;
    if ((k == 1) && (i / 8) % 10 == 0)
        s->disabled_once = 1;
    char headers[512];
    long long deadline = (long long)time(NULL) * 1000 + 60000;
    snprintf(headers, sizeof(headers),
             "Content-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: soak-%ld\r\n"
             "Lambda-Runtime-Deadline-Ms: %lld\r\nLambda-Runtime-Invoked-Function-Arn: "
             "arn:aws:lambda:us-east-1:123456789012:function:scanwarden\r\n"
             "Lambda-Runtime-Trace-Id: Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1\r\n",
             i, deadline);
    respond(fd, "200 OK", headers, s->body, len);
}

static void serve_aws(struct soak *s, int fd, const char *req, size_t head_len, const char *body)
{
    static const char ENABLED[] =
        "{\"accounts\":[{\"accountId\":\"123456789012\",\"state\":{\"status\":\"ENABLED\"},"
        "\"resourceState\":{\"ecr\":{\"status\":\"ENABLED\"},\"ec2\":{\"status\":\"DISABLED\"}}}],"
        "\"failedAccounts\":[]}";
    static const char DISABLED[] =
        "{\"accounts\":[{\"accountId\":\"123456789012\",\"state\":{\"status\":\"ENABLED\"},"
        "\"resourceState\":{\"ecr\":{\"status\":\"DISABLED\"},\"ec2\":{\"status\":\"DISABLED\"}}}],"
        "\"failedAccounts\":[]}";
    static const char ENABLE[] =
        "{\"accounts\":[{\"accountId\":\"123456789012\",\"status\":\"ENABLED\",\"resourceStatus\":"
        "{\"ecr\":\"ENABLED\"}}],\"failedAccounts\":[]}";
    static const char SCAN[] =
        "{\"registryId\":\"123456789012\",\"scanningConfiguration\":{\"scanType\":\"ENHANCED\","
        "\"rules\":[{\"scanFrequency\":\"CONTINUOUS_SCAN\",\"repositoryFilters\":[{\"filter\":"
        "\"*\",\"filterType\":\"WILDCARD\"}]}]}}";
    static const char PUBLISH[] =
        "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
        "<MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId></PublishResult>"
        "<ResponseMetadata><RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId>"
        "</ResponseMetadata></PublishResponse>";
    static const char JSON[] = "Content-Type: application/json\r\nx-amzn-RequestId: soak\r\n";
    s->aws_calls++;
    if (strncmp(req, "POST /status/batch/get ", 23) == 0) {
        const char *b = s->disabled_once ? DISABLED : ENABLED;
        s->disabled_once = 0;
        respond(fd, "200 OK", JSON, b, strlen(b));
    } else if (strncmp(req, "POST /enable ", 13) == 0) {
        respond(fd, "200 OK", JSON, ENABLE, sizeof(ENABLE) - 1);
    } else if (memmem(req, head_len, "GetRegistryScanningConfiguration", 32)) {
        respond(fd, "200 OK", JSON, SCAN, sizeof(SCAN) - 1);
    } else if (strstr(body, "Action=Publish")) {
        s->publishes++;
        respond(fd, "200 OK", "Content-Type: text/xml\r\n", PUBLISH, sizeof(PUBLISH) - 1);
    } else {
        static const char UNKNOWN[] = "{\"__type\":\"UnknownOperationException\"}";
        respond(fd, "400 Bad Request", JSON, UNKNOWN, sizeof(UNKNOWN) - 1);
    }
}

/* Serves every complete request buffered on c; returns -1 when the peer closed. */
static int serve(struct soak *s, struct conn *c, long sample_every)
{
    ssize_t n = read(c->fd, c->buf + c->len, REQ_MAX - c->len);
    if (n <= 0)
        return -1;
    c->len += (size_t)n;
    for (;;) {
        char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
        if (!end)
            return 0;
        size_t head = (size_t)(end - c->buf) + 4;
        size_t cl = 0;
        for (char *p = c->buf; p && p < end; p = memchr(p, '\n', (size_t)(end - p))) {
            p += *p == '\n';
            if (strncasecmp(p, "Content-Length:", 15) == 0)
                cl = strtoul(p + 15, NULL, 10);
        }
        if (c->len < head + cl)
            return 0;
        if (c->is_runtime) {
            if (c->buf[0] == 'G') {
                serve_next(s, c->fd);
            } else {
                s->answered++;
                if (memmem(c->buf, head, "/error ", 7))
                    s->errors++;
                respond(c->fd, "202 Accepted", "Content-Type: application/json\r\n",
                        "{\"status\":\"OK\"}", 15);
                if (s->answered % sample_every == 0)
                    sample(s);
            }
        } else {
            char *body = c->buf + head;
            char last = body[cl];
            body[cl] = '\0';
            serve_aws(s, c->fd, c->buf, head, body);
            body[cl] = last;
        }
        memmove(c->buf, c->buf + head + cl, c->len - head - cl);
        c->len -= head + cl;
    }
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: soak N SAMPLE WARMUP EVENTS_DIR PROGRAM\n");
        return 2;
    }
    static struct soak s;
    s.target = atol(argv[1]);
    long sample_every = atol(argv[2]), warmup = atol(argv[3]);
    if (s.target < 1 || sample_every < 1)
        return 2;
    load_events(&s, argv[4]);
    s.body = malloc(EVENT_MAX);
    int rt_port, aws_port;
    int rt_listen = listen_loopback(&rt_port), aws_listen = listen_loopback(&aws_port);
    double t0 = now_s();
    s.pid = spawn(argv[5], rt_port, aws_port);

    struct conn conns[CONN_MAX] = {{0}};
    size_t nconn = 0;
    int status = 0;
    for (;;) {
        struct pollfd pfd[CONN_MAX + 2];
        pfd[0] = (struct pollfd){.fd = rt_listen, .events = POLLIN};
        pfd[1] = (struct pollfd){.fd = aws_listen, .events = POLLIN};
        for (size_t i = 0; i < nconn; i++)
            pfd[i + 2] = (struct pollfd){.fd = conns[i].fd, .events = POLLIN};
        int r = poll(pfd, nconn + 2, 1000);
        if (r < 0 && errno != EINTR)
            break;
        if (waitpid(s.pid, &status, WNOHANG) == s.pid)
            break;
        for (int l = 0; l < 2; l++) {
            if (!(pfd[l].revents & POLLIN) || nconn == CONN_MAX)
                continue;
            int fd = accept(pfd[l].fd, NULL, NULL);
            if (fd < 0)
                continue;
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            conns[nconn++] = (struct conn){fd, l == 0, malloc(REQ_MAX + 1), 0};
        }
        for (size_t i = 0; i < nconn; i++) {
            if (!(pfd[i + 2].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (serve(&s, &conns[i], sample_every) < 0) {
                close(conns[i].fd);
                free(conns[i].buf);
                conns[i] = conns[--nconn];
                pfd[i + 2] = pfd[nconn + 2];
                i--;
            }
        }
    }
    struct rusage ru;
    if (!WIFEXITED(status) && !WIFSIGNALED(status))
        waitpid(s.pid, &status, 0);
    getrusage(RUSAGE_CHILDREN, &ru);
    double wall = now_s() - t0;
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;

    printf("%12s %10s %10s %6s\n", "invocations", "VmRSS_KiB", "VmHWM_KiB", "fds");
    for (size_t i = 0; i < s.sample_count; i++)
        printf("%12ld %10ld %10ld %6d\n", s.samples[i].invocations, s.samples[i].rss_kb,
               s.samples[i].hwm_kb, s.samples[i].fds);
    long base_rss = -1, max_rss = 0, min_rss = 0;
    int base_fds = -1, fds_changed = 0;
    for (size_t i = 0; i < s.sample_count; i++) {
        if (s.samples[i].invocations < warmup)
            continue;
        if (base_rss < 0) {
            base_rss = min_rss = s.samples[i].rss_kb;
            base_fds = s.samples[i].fds;
        }
        if (s.samples[i].rss_kb > max_rss)
            max_rss = s.samples[i].rss_kb;
        if (s.samples[i].rss_kb < min_rss)
            min_rss = s.samples[i].rss_kb;
        fds_changed |= s.samples[i].fds != base_fds;
    }
    int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("invocations answered %ld of %ld (%ld errors: the invalid payloads), AWS calls %ld, "
           "SNS publishes %ld; function exit %d\n",
           s.answered, s.target, s.errors, s.aws_calls, s.publishes, exit_code);
    printf("wall %.1f s, function CPU (user+sys) %.1f s = %.1f us per invocation\n", wall, cpu,
           s.answered ? cpu * 1e6 / (double)s.answered : 0.0);
    int flat = base_rss >= 0 && max_rss - base_rss <= RSS_TOLERANCE_KB;
    printf("after warm-up (%ld): VmRSS %ld KiB, then %ld..%ld KiB (growth %ld KiB, %s); "
           "descriptors %d, %s\n",
           warmup, base_rss, min_rss, max_rss, max_rss - base_rss,
           flat ? "flat within 1 MiB" : "NOT FLAT", base_fds, fds_changed ? "CHANGED" : "constant");
    /* The function ends itself, non-zero, when /next answers 500 (docs/contract.md §6). */
    int ok = flat && !fds_changed && s.answered == s.target && WIFEXITED(status) && exit_code != 0;
    printf("soak %s\n", ok ? "PASSED" : "FAILED");
    return ok ? 0 : 1;
}
