/* echo: a Lambda function that answers each invocation with its own payload.
 *
 * The smallest complete handler on runtime/ (copy it to start your own), and the
 * function scripts/bench.sh runtime measures. The response borrows the payload
 * (no copy) and keeps its content type. */
#include "lr_runtime.h"

static int echo(const struct lr_invocation *inv, struct lr_response *out, void *user)
{
    const char *type = *inv->content_type ? inv->content_type : "application/octet-stream";
    return lr_response_success_borrowed(out, inv->payload, inv->payload_len, type);
}

int main(void)
{
    return lr_run_handler(echo, NULL);
}
