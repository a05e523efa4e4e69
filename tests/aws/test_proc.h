/* Child processes for the AWS tests: run python3 helpers, start and stop local peers.
 *
 * Tests start their own peers (a Python stdlib HTTP server on 127.0.0.1 port 0, the
 * botocore signer) and must stop them on every path; these helpers keep that short. */
#ifndef SW_TEST_PROC_H
#define SW_TEST_PROC_H

#include <stddef.h>
#include <sys/types.h>

/* Runs argv (argv[0] looked up in PATH) and waits. Returns the exit status, or -1. */
int test_proc_run(char *const argv[]);

/* Starts argv with stdout on a pipe and reads its first line ("PORT <n>\n") within
 * timeout_ms. Returns the child's pid (> 0) and sets *port, or -1 (child killed). */
pid_t test_proc_start_server(char *const argv[], int *port, int timeout_ms);

/* Sends SIGTERM to pid and reaps it (bounded wait, then SIGKILL). */
void test_proc_stop(pid_t pid);

/* Creates a fresh directory under $TMPDIR (or /tmp) into out (cap bytes). Returns 0 or -1. */
int test_proc_tempdir(char *out, size_t cap);

/* Removes the files named in names (relative to dir) and then dir. */
void test_proc_rmdir(const char *dir, const char *const names[], size_t count);

/* The python3 to run: $SW_PYTHON3 if set, else "python3". */
const char *test_proc_python(void);

#endif
