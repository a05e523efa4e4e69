/* test_peer: a child process (a Python test peer) driven by JSON lines.
 *
 * The peers under tests/peers/ (moto_peer.py, fault_server.py, inspector2_front.py)
 * print one JSON line when ready, then answer each JSON command on stdin with one
 * JSON line on stdout. Every read is bounded by a timeout; stop() is bounded too. */
#ifndef SW_TEST_PEER_H
#define SW_TEST_PEER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <sys/types.h>

struct test_peer {
    pid_t pid;
    int to_child;   /* the child's stdin */
    int from_child; /* the child's stdout */
    char *buf;      /* bytes read and not yet returned */
    size_t len, cap;
};

/* Starts python3 with the peer script (tests/peers/<script>) and args (NULL-terminated);
 * returns the ready line parsed (caller cJSON_Delete), or NULL when it did not start within
 * timeout_ms (then the child is stopped). */
cJSON *test_peer_start(struct test_peer *p, const char *script, const char *const *args,
                       int timeout_ms);

/* Sends one command (a JSON text without newline) and returns the parsed answer, or NULL. */
cJSON *test_peer_command(struct test_peer *p, const char *json, int timeout_ms);

/* Starts fault_server.py (plain HTTP on 127.0.0.1, port 0) and writes its endpoint,
 * "http://127.0.0.1:PORT", to endpoint; 0, or -1 when it did not start within 10 s. */
int test_peer_start_fault_server(struct test_peer *p, char *endpoint, size_t cap);

/* fault_server.py: scripts the next answers (responses: a JSON array text of response
 * objects); false when the peer did not acknowledge within 5 s. */
bool test_peer_script(struct test_peer *p, const char *responses);

/* fault_server.py: the requests received since the last call (caller cJSON_Delete), or NULL. */
cJSON *test_peer_requests(struct test_peer *p);

/* The value of header name (any case) in one recorded request, or NULL. */
const char *test_peer_header(const cJSON *req, const char *name);

/* Asks the peer to stop, closes the pipes and reaps it (SIGKILL after 5 s). */
void test_peer_stop(struct test_peer *p);

#endif
