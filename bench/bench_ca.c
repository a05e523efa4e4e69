/* bench_ca: what the CA bundle costs a process whose clients open their first TLS
 * connections (scripts/bench.sh ca; docs/benchmarks.md, "The CA bundle, loaded once").
 *
 *   bench_ca MODE CLIENTS URL...
 *
 * makes CLIENTS handle sets (sw_http: what an AWS client, a sibling or another region's
 * client holds) and sends one GET to every URL from each, one after the other, so every
 * (client, origin) pair opens one TLS connection. MODE:
 *   shared      the first handle set's CA store is given to the others (the code as built);
 *   per-handle  every handle set lets libcurl decode the bundle for each of its handles
 *               (sw_http_options.ca_per_handle: the code before the shared store).
 * The bundle is AWS_CA_BUNDLE's. Prints one line: the handshakes, the bundle's loads by the
 * shared store, the process's CPU (user+sys) for the requests and in all, and its peak RSS
 * (VmHWM). */
#include "handler/aws/ca_store_internal.h"
#include "handler/aws/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define CLIENTS_MAX 64

static double cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static long vm_hwm_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof(line), f)) {
        if (strncmp(line, "VmHWM:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    }
    if (f)
        fclose(f);
    return kib;
}

int main(int argc, char **argv)
{
    if (argc < 4 || (strcmp(argv[1], "shared") != 0 && strcmp(argv[1], "per-handle") != 0)) {
        fprintf(stderr, "usage: bench_ca shared|per-handle CLIENTS URL...\n");
        return 2;
    }
    bool shared = strcmp(argv[1], "shared") == 0;
    int clients = atoi(argv[2]);
    if (clients < 1 || clients > CLIENTS_MAX) {
        fprintf(stderr, "bench_ca: CLIENTS must be 1..%d\n", CLIENTS_MAX);
        return 2;
    }
    struct sw_http *h[CLIENTS_MAX] = {0};
    struct sw_error err = {0};
    for (int i = 0; i < clients; i++) {
        struct sw_http_options opt = {.ca_per_handle = !shared};
        if (shared && i > 0)
            opt.ca_store = sw_http_ca_store(h[0]);
        h[i] = sw_http_new(&opt, &err);
        if (!h[i]) {
            fprintf(stderr, "bench_ca: %s\n", err.msg);
            return 1;
        }
    }
    struct sw_http_response resp;
    sw_http_response_init(&resp);
    int handshakes = 0;
    double before = cpu_ms();
    for (int i = 0; i < clients; i++) {
        for (int u = 3; u < argc; u++) {
            struct sw_http_request req = {.method = "GET", .url = argv[u]};
            if (sw_http_send(h[i], &req, &resp, &err) || resp.status != 200) {
                fprintf(stderr, "bench_ca: %s: %s\n", argv[u], err.msg);
                return 1;
            }
            handshakes += (int)resp.new_connections;
        }
    }
    double requests = cpu_ms() - before;
    struct sw_ca_store *store = sw_http_ca_store(h[0]);
    unsigned loads = store && shared ? sw_ca_store_loads(store) : 0;
    printf("%-10s clients=%d origins=%d handshakes=%d store_loads=%u requests_cpu_ms=%.1f "
           "process_cpu_ms=%.1f peak_rss_kib=%ld\n",
           argv[1], clients, argc - 3, handshakes, loads, requests, cpu_ms(), vm_hwm_kib());
    sw_http_response_clear(&resp);
    for (int i = clients - 1; i >= 0; i--)
        sw_http_free(h[i]);
    return 0;
}
