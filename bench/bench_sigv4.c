/* bench_sigv4: CPU cost of signing one typical Inspector2 request.
 *
 * Signs a POST /status/batch/get with a 200-byte JSON body, Content-Type, Host and
 * a 1 KB session token (what Lambda's role credentials look like), and reports CPU
 * nanoseconds per operation (CLOCK_PROCESS_CPUTIME_ID, median of rounds) for: sign
 * alone, sign + serialize (every header as a "Name: value" line, as handed to libcurl),
 * and the two hashing stages inside. Run by scripts/bench-sigv4.sh. */
#include "handler/aws/sigv4.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ROUNDS 101

struct fixture {
    struct sw_sigv4_header headers[2];
    struct sw_sigv4_request req;
    struct sw_sigv4_credentials creds;
    struct sw_sigv4_config cfg;
    char body[201];
    char token[1025];
};

static void fixture_init(struct fixture *f)
{
    memset(f, 0, sizeof(*f));
    /* 200 bytes of the JSON Inspector2 bodies look like. */
    const char *head = "{\"accountIds\":[\"123456789012\",\"210987654321\"],\"clientToken\":"
                       "\"9b2f6a1e-3c4d-4e5f-8a7b-1c2d3e4f5a6b\",\"resourceTypes\":[\"ECR\"],"
                       "\"pad\":\"";
    size_t n = strlen(head);
    memcpy(f->body, head, n);
    memset(f->body + n, 'x', 200 - n - 2);
    memcpy(f->body + 198, "\"}", 2);
    for (size_t i = 0; i < 1024; i++)
        f->token[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[i % 64];
    f->headers[0] = (struct sw_sigv4_header){SW_STR_LIT("Host"),
                                             SW_STR_LIT("inspector2.us-east-1.amazonaws.com")};
    f->headers[1] =
        (struct sw_sigv4_header){SW_STR_LIT("Content-Type"), SW_STR_LIT("application/json")};
    f->req = (struct sw_sigv4_request){
        .method = SW_STR_LIT("POST"),
        .path = SW_STR_LIT("/status/batch/get"),
        .headers = f->headers,
        .header_count = 2,
        .body = (const unsigned char *)f->body,
        .body_len = 200,
    };
    f->creds = (struct sw_sigv4_credentials){"ASIAQEXAMPLEEXAMPLE1",
                                             "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", f->token};
    f->cfg = (struct sw_sigv4_config){
        .region = "us-east-1", .service = "inspector2", .time = 1764158400};
}

static double cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

enum op { OP_SIGN, OP_SIGN_SERIALIZE, OP_SHA256_BODY, OP_SIGNATURE };

static int run(const struct fixture *f, enum op op, long iterations, struct sw_buf *lines)
{
    static const char sts[] = "AWS4-HMAC-SHA256\n20251126T120000Z\n20251126/us-east-1/inspector2/"
                              "aws4_request\n"
                              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    char hex[SW_SIGV4_HEX_LEN + 1];
    for (long i = 0; i < iterations; i++) {
        struct sw_sigv4_signed out = {0};
        switch (op) {
        case OP_SIGN:
            if (sw_sigv4_sign(&f->req, &f->creds, &f->cfg, &out, NULL))
                return -1;
            sw_sigv4_signed_clear(&out);
            break;
        case OP_SIGN_SERIALIZE:
            if (sw_sigv4_sign(&f->req, &f->creds, &f->cfg, &out, NULL))
                return -1;
            sw_buf_reset(lines);
            for (size_t h = 0; h < f->req.header_count; h++)
                if (sw_buf_appendf(lines, "%.*s: %.*s", (int)f->headers[h].name.len,
                                   f->headers[h].name.ptr, (int)f->headers[h].value.len,
                                   f->headers[h].value.ptr) ||
                    sw_buf_append_char(lines, '\0'))
                    return -1;
            for (size_t h = 0; h < out.count; h++)
                if (sw_buf_appendf(lines, "%s: %s", out.headers[h].name,
                                   sw_buf_cstr(&out.headers[h].value)) ||
                    sw_buf_append_char(lines, '\0'))
                    return -1;
            sw_sigv4_signed_clear(&out);
            break;
        case OP_SHA256_BODY:
            if (sw_sigv4_sha256_hex(f->body, 200, hex))
                return -1;
            break;
        case OP_SIGNATURE:
            if (sw_sigv4_signature(f->creds.secret_access_key, "20251126", "us-east-1",
                                   "inspector2", (struct sw_str){sts, sizeof(sts) - 1}, hex))
                return -1;
            break;
        }
    }
    return 0;
}

static long parse_count(const char *s)
{
    long v = 0;
    for (; *s >= '0' && *s <= '9' && v < 100000000; s++)
        v = v * 10 + (*s - '0');
    return *s ? -1 : v;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    long iterations = 20000;
    long rounds = 15;
    const char *only = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--iterations") == 0)
            iterations = parse_count(argv[i + 1]);
        else if (strcmp(argv[i], "--rounds") == 0)
            rounds = parse_count(argv[i + 1]);
        else if (strcmp(argv[i], "--only") == 0)
            only = argv[i + 1];
    }
    if (iterations < 1 || rounds < 1 || rounds > MAX_ROUNDS) {
        fprintf(stderr,
                "usage: bench_sigv4 [--iterations N] [--rounds 1..%d] [--only sign|"
                "sign_serialize|sha256_body_200B|signing_key_and_signature]\n",
                MAX_ROUNDS);
        return 2;
    }

    struct fixture f;
    fixture_init(&f);
    struct sw_buf lines;
    sw_buf_init(&lines, 1 << 16);
    static const struct {
        enum op op;
        const char *name;
    } ops[] = {
        {OP_SIGN, "sign"},
        {OP_SIGN_SERIALIZE, "sign_serialize"},
        {OP_SHA256_BODY, "sha256_body_200B"},
        {OP_SIGNATURE, "signing_key_and_signature"},
    };
    printf("# CPU ns per operation (CLOCK_PROCESS_CPUTIME_ID), %ld rounds x %ld iterations\n",
           rounds, iterations);
    for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
        double per[MAX_ROUNDS];
        if (only && strcmp(only, ops[o].name) != 0)
            continue;
        if (run(&f, ops[o].op, iterations / 10 + 1, &lines)) { /* warm-up */
            fprintf(stderr, "bench_sigv4: %s failed\n", ops[o].name);
            return 1;
        }
        for (long r = 0; r < rounds; r++) {
            double t0 = cpu_ns();
            if (run(&f, ops[o].op, iterations, &lines))
                return 1;
            per[r] = (cpu_ns() - t0) / (double)iterations;
        }
        qsort(per, (size_t)rounds, sizeof(per[0]), cmp_double);
        printf("%s_ns median=%.0f min=%.0f max=%.0f\n", ops[o].name, per[rounds / 2], per[0],
               per[rounds - 1]);
    }
    sw_buf_clear(&lines);
    return 0;
}
