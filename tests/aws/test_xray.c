/* X-Ray (handler/aws/xray.c): the trace header parsed and checked before it is sent, the
 * subsegment document (fields, types, ids, flags per HTTP status, nothing when not sampled),
 * and the UDP sender against a loopback listener (one datagram; a bad address sends nothing
 * and never fails). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler/aws/xray.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ROOT "1-5759e988-bd862e3fe1be46a994272793"
#define PARENT "53995c3f42cd8ad8"
#define SAMPLED "Root=" ROOT ";Parent=" PARENT ";Sampled=1"

static void header_fields_are_parsed(void **state)
{
    struct sw_xray_header h;
    sw_xray_header_parse(SAMPLED ";Lineage=a87bd80c:1|68fd508a:5", &h);
    assert_string_equal(h.root, ROOT);
    assert_string_equal(h.parent, PARENT);
    assert_true(h.sampled);
    assert_true(sw_xray_traced(&h));

    sw_xray_header_parse("Root=" ROOT ";Parent=" PARENT ";Sampled=0", &h);
    assert_false(h.sampled);
    assert_false(sw_xray_traced(&h));

    sw_xray_header_parse("Root=" ROOT ";Sampled=1", &h); /* no parent: nothing to attach to */
    assert_false(sw_xray_traced(&h));
    sw_xray_header_parse("Root=1-zz59e988-bd862e3fe1be46a994272793;Parent=" PARENT ";Sampled=1",
                         &h);
    assert_string_equal(h.root, "");
    assert_false(sw_xray_traced(&h));
    sw_xray_header_parse("Root=" ROOT ";Parent=53995c3f42cd8ad;Sampled=1", &h); /* 15 hex */
    assert_string_equal(h.parent, "");
    sw_xray_header_parse(NULL, &h);
    assert_false(sw_xray_traced(&h));
    sw_xray_header_parse("", &h);
    assert_false(sw_xray_traced(&h));
}

static void only_a_bounded_printable_header_is_sent(void **state)
{
    assert_true(sw_xray_header_sendable(SAMPLED));
    assert_false(sw_xray_header_sendable(NULL));
    assert_false(sw_xray_header_sendable(""));
    assert_false(sw_xray_header_sendable("Root=" ROOT "\r\nX-Evil: 1"));
    char long_value[SW_XRAY_HEADER_MAX + 8];
    memset(long_value, 'a', sizeof(long_value) - 1);
    long_value[sizeof(long_value) - 1] = '\0';
    assert_false(sw_xray_header_sendable(long_value));
}

static bool is_lower_hex(const char *s, size_t n)
{
    if (strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return true;
}

/* Checks a datagram as the daemon reads it; returns the document (caller cJSON_Delete). */
static cJSON *check_datagram(const char *dgram, size_t len)
{
    static const char head[] = "{\"format\":\"json\",\"version\":1}\n";
    assert_true(len > sizeof(head) - 1);
    assert_memory_equal(dgram, head, sizeof(head) - 1);
    cJSON *d = cJSON_ParseWithLength(dgram + sizeof(head) - 1, len - (sizeof(head) - 1));
    assert_non_null(d);
    assert_true(is_lower_hex(cJSON_GetObjectItemCaseSensitive(d, "id")->valuestring, 16));
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(d, "trace_id")->valuestring, ROOT);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(d, "parent_id")->valuestring, PARENT);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(d, "type")->valuestring, "subsegment");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(d, "namespace")->valuestring, "aws");
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(d, "start_time");
    const cJSON *et = cJSON_GetObjectItemCaseSensitive(d, "end_time");
    assert_true(cJSON_IsNumber(st) && cJSON_IsNumber(et));
    assert_true(st->valuedouble > 1e9 && et->valuedouble >= st->valuedouble);
    const char *flags[] = {"error", "throttle", "fault"};
    for (size_t i = 0; i < 3; i++)
        assert_true(cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(d, flags[i])));
    return d;
}

static size_t doc_for(long status, bool failed, char *out, size_t cap)
{
    struct sw_xray_header h;
    sw_xray_header_parse(SAMPLED, &h);
    struct sw_xray_call call = {
        .service = "inspector2",
        .operation = "BatchGetAccountStatus",
        .region = "eu-west-1",
        .http_status = status,
        .attempts = 2,
        .start_time = 1700000000.125,
        .end_time = 1700000000.5,
        .failed = failed,
    };
    return sw_xray_subsegment(&h, &call, "0123456789abcdef", out, cap);
}

static bool flag(const cJSON *d, const char *name)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(d, name));
}

static void subsegment_document_has_every_field(void **state)
{
    char doc[SW_XRAY_DOC_MAX];
    size_t n = doc_for(200, false, doc, sizeof(doc));
    assert_true(n > 0 && n == strlen(doc));
    cJSON *d = check_datagram(doc, n);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(d, "name")->valuestring, "inspector2");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(d, "id")->valuestring, "0123456789abcdef");
    const cJSON *aws = cJSON_GetObjectItemCaseSensitive(d, "aws");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(aws, "operation")->valuestring,
                        "BatchGetAccountStatus");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(aws, "region")->valuestring, "eu-west-1");
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(aws, "retries")->valueint, 1);
    const cJSON *resp =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(d, "http"), "response");
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(resp, "status")->valueint, 200);
    assert_true(cJSON_GetObjectItemCaseSensitive(d, "start_time")->valuedouble == 1700000000.125);
    assert_false(flag(d, "error") || flag(d, "throttle") || flag(d, "fault"));
    cJSON_Delete(d);
}

static void flags_follow_the_status(void **state)
{
    char doc[SW_XRAY_DOC_MAX];
    struct {
        long status;
        bool failed, error, throttle, fault;
    } rows[] = {
        {400, true, true, false, false}, {403, true, true, false, false},
        {429, true, true, true, false},  {500, true, false, false, true},
        {503, true, false, false, true}, {0, true, false, false, true}, /* no answer */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        size_t n = doc_for(rows[i].status, rows[i].failed, doc, sizeof(doc));
        cJSON *d = check_datagram(doc, n);
        assert_int_equal(flag(d, "error"), rows[i].error);
        assert_int_equal(flag(d, "throttle"), rows[i].throttle);
        assert_int_equal(flag(d, "fault"), rows[i].fault);
        assert_int_equal(cJSON_HasObjectItem(d, "http"), rows[i].status != 0);
        cJSON_Delete(d);
    }
}

static void nothing_when_not_sampled_or_invalid(void **state)
{
    char doc[SW_XRAY_DOC_MAX];
    struct sw_xray_header h;
    sw_xray_header_parse("Root=" ROOT ";Parent=" PARENT ";Sampled=0", &h);
    struct sw_xray_call call = {.service = "sns",
                                .operation = "Publish",
                                .region = "eu-west-1",
                                .http_status = 200,
                                .start_time = 1.0,
                                .end_time = 2.0};
    assert_int_equal(sw_xray_subsegment(&h, &call, "0123456789abcdef", doc, sizeof(doc)), 0);
    sw_xray_header_parse(SAMPLED, &h);
    assert_true(sw_xray_subsegment(&h, &call, "0123456789abcdef", doc, sizeof(doc)) > 0);
    assert_int_equal(sw_xray_subsegment(&h, &call, "0123456789ABCDEF", doc, sizeof(doc)), 0);
    assert_int_equal(sw_xray_subsegment(&h, &call, "0123", doc, sizeof(doc)), 0);
    assert_int_equal(sw_xray_subsegment(&h, &call, "0123456789abcdef", doc, 40), 0); /* cut */
    call.operation = "Publish\",\"x\":\""; /* never a JSON injection */
    assert_int_equal(sw_xray_subsegment(&h, &call, "0123456789abcdef", doc, sizeof(doc)), 0);
    call.operation = "Publish";
    call.end_time = 0.5; /* ends before it starts */
    assert_int_equal(sw_xray_subsegment(&h, &call, "0123456789abcdef", doc, sizeof(doc)), 0);
}

static int listener(int *port)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    socklen_t sl = sizeof(sa);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

static ssize_t receive(int fd, char *buf, size_t cap, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) != 1)
        return -1;
    return recv(fd, buf, cap, 0);
}

static void sender_delivers_one_datagram_to_the_daemon(void **state)
{
    int port;
    int fd = listener(&port);
    char addr[32], doc[SW_XRAY_DOC_MAX], got[2048];
    snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
    size_t n = doc_for(200, false, doc, sizeof(doc));
    sw_xray_send(addr, doc, n);
    ssize_t r = receive(fd, got, sizeof(got), 2000);
    assert_int_equal(r, (ssize_t)n);
    cJSON_Delete(check_datagram(got, (size_t)r));
    /* invalid addresses: nothing sent, nothing fails */
    const char *bad[] = {NULL,
                         "",
                         "127.0.0.1",
                         ":2000",
                         "127.0.0.1:0",
                         "127.0.0.1:x",
                         "localhost:2000",
                         "127.0.0.1:99999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        sw_xray_send(bad[i], doc, n);
    assert_int_equal(receive(fd, got, sizeof(got), 100), -1);
    close(fd);
    /* nobody listening: the datagram is lost, the caller does not notice */
    sw_xray_send(addr, doc, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_fields_are_parsed),
        cmocka_unit_test(only_a_bounded_printable_header_is_sent),
        cmocka_unit_test(subsegment_document_has_every_field),
        cmocka_unit_test(flags_follow_the_status),
        cmocka_unit_test(nothing_when_not_sampled_or_invalid),
        cmocka_unit_test(sender_delivers_one_datagram_to_the_daemon),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
