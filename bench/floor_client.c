/* floor_client: the least a Runtime API client can do, as the benchmark's floor.
 *
 * Raw socket, no library: GET /next, read the answer, POST the payload back,
 * read the 202, repeat; exit 1 on anything but 200/202. No validation, no
 * logging, no retry: it shows what the OS and the loopback cost, so that the
 * runtime's overhead can be read as a ratio. Not for real use. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_MAX (8u * 1024u * 1024u)

static char buf[BUF_MAX];
static size_t have;

/* Reads one answer; returns its status and sets the body view and request id. */
static int read_answer(int fd, char **body, size_t *body_len, char *id, size_t id_cap)
{
    for (;;) {
        char *end = have ? memmem(buf, have, "\r\n\r\n", 4) : NULL;
        if (end) {
            size_t head = (size_t)(end - buf) + 4;
            char *p = memmem(buf, head, "Content-Length: ", 16);
            size_t cl = p ? strtoul(p + 16, NULL, 10) : 0;
            if (have >= head + cl) {
                int status = atoi(buf + 9);
                p = memmem(buf, head, "Lambda-Runtime-Aws-Request-Id: ", 31);
                if (p && id) {
                    size_t n = strcspn(p + 31, "\r");
                    if (n >= id_cap)
                        n = id_cap - 1;
                    memcpy(id, p + 31, n);
                    id[n] = '\0';
                }
                *body = buf + head;
                *body_len = cl;
                return status;
            }
        }
        ssize_t n = read(fd, buf + have, BUF_MAX - have);
        if (n <= 0)
            return -1;
        have += (size_t)n;
    }
}

static void consume(size_t n)
{
    memmove(buf, buf + n, have - n);
    have -= n;
}

int main(void)
{
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    const char *colon = api ? strchr(api, ':') : NULL;
    struct sockaddr_in a = {.sin_family = AF_INET};
    int one = 1;
    static char out[BUF_MAX];
    char id[128], host[64];

    if (!colon || (size_t)(colon - api) >= sizeof(host))
        return 1;
    memcpy(host, api, (size_t)(colon - api));
    host[colon - api] = '\0';
    a.sin_port = htons((unsigned short)atoi(colon + 1));
    inet_pton(AF_INET, host, &a.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
        return 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    for (;;) {
        static const char get[] = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n"
                                  "Host: localhost\r\n\r\n";
        char *body;
        size_t len;
        if (write(fd, get, sizeof(get) - 1) < 0)
            return 1;
        if (read_answer(fd, &body, &len, id, sizeof(id)) != 200)
            return 1;
        int h = snprintf(out, 512,
                         "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\n"
                         "Host: localhost\r\nContent-Type: application/json\r\n"
                         "Content-Length: %zu\r\n\r\n",
                         id, len);
        memcpy(out + h, body, len);
        consume((size_t)(body - buf) + len);
        if (write(fd, out, (size_t)h + len) < 0)
            return 1;
        if (read_answer(fd, &body, &len, NULL, 0) != 202)
            return 1;
        consume((size_t)(body - buf) + len);
    }
}
