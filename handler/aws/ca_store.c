/* sw_ca_store: one decoded CA bundle per process, shared by every TLS connection.
 *
 * Why not hand OpenSSL one shared X509_STORE (SSL_CTX_set1_cert_store): libcurl 7.88
 * calls our SSL_CTX hook before it sets the context's store up (lib/vtls/openssl.c,
 * ossl_connect_step1, then Curl_ssl_setup_x509_store at the first read), and that set-up
 * writes verification flags into whatever store the context has. With one store shared by
 * clients handshaking at the same time on several threads, those would be unsynchronised
 * writes to shared memory. So the decoded certificates are kept here as an immutable
 * stack, and each context gets a verification hook that runs OpenSSL's own chain check
 * (X509_verify_cert, with the parameters OpenSSL and libcurl set on that handshake) with
 * this stack as its trust anchors: libcurl's per-context store stays its own and empty,
 * and the shared certificates are only read (docs/internals.md, "What concurrent tasks may
 * share"). */
#include "handler/aws/ca_store.h"
#include "handler/aws/ca_store_internal.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CA_PATH_MAX 1024
#define CA_CERTS_MAX 10000 /* a system bundle holds ~150; bounds a hostile file */

struct sw_ca_store {
    atomic_uint refs;
    pthread_mutex_t lock;   /* guards certs and loads while loading */
    STACK_OF(X509) * certs; /* NULL until loaded; then never changed until freed */
    unsigned loads;
    char path[CA_PATH_MAX];
};

struct sw_ca_store *sw_ca_store_new(const char *path, struct sw_error *err)
{
    if (!path || !*path || strlen(path) >= CA_PATH_MAX) {
        sw_error_set(err, SW_ECONFIG, "CA bundle path empty or longer than %d bytes",
                     CA_PATH_MAX - 1);
        return NULL;
    }
    struct sw_ca_store *s = calloc(1, sizeof(*s));
    if (!s) {
        sw_error_set(err, SW_ENOMEM, "out of memory creating the CA store");
        return NULL;
    }
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        sw_error_set(err, SW_EINTERNAL, "cannot create the CA store's lock");
        return NULL;
    }
    atomic_init(&s->refs, 1);
    snprintf(s->path, sizeof(s->path), "%s", path);
    return s;
}

struct sw_ca_store *sw_ca_store_ref(struct sw_ca_store *s)
{
    atomic_fetch_add(&s->refs, 1);
    return s;
}

void sw_ca_store_unref(struct sw_ca_store *s)
{
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    sk_X509_pop_free(s->certs, X509_free);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

const char *sw_ca_store_path(const struct sw_ca_store *s)
{
    return s->path;
}

unsigned sw_ca_store_loads(struct sw_ca_store *s)
{
    pthread_mutex_lock(&s->lock);
    unsigned n = s->loads;
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* OpenSSL's first queued error as text, or fallback; clears the queue. */
static const char *openssl_reason(char *buf, size_t cap, const char *fallback)
{
    unsigned long e = ERR_peek_last_error();
    if (e)
        ERR_error_string_n(e, buf, cap);
    else
        snprintf(buf, cap, "%s", fallback);
    ERR_clear_error();
    return buf;
}

/* Decodes every certificate of the PEM file at s->path (other PEM blocks are skipped, as
 * OpenSSL's X509_STORE_load_file does). Called under s->lock. */
static int load(struct sw_ca_store *s, struct sw_error *err)
{
    char reason[256];
    ERR_clear_error();
    BIO *in = BIO_new_file(s->path, "r");
    if (!in)
        return sw_error_set(err, SW_ECONFIG, "CA bundle %s cannot be read: %s", s->path,
                            openssl_reason(reason, sizeof(reason), "cannot open"));
    STACK_OF(X509) *certs = sk_X509_new_null();
    if (!certs) {
        BIO_free(in);
        return sw_error_set(err, SW_ENOMEM, "out of memory loading CA bundle %s", s->path);
    }
    int rc = 0;
    for (;;) {
        X509 *x = PEM_read_bio_X509_AUX(in, NULL, NULL, NULL);
        if (!x) {
            unsigned long e = ERR_peek_last_error();
            if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE &&
                sk_X509_num(certs) > 0) {
                ERR_clear_error(); /* the end of the file */
                break;
            }
            rc = sw_error_set(err, SW_ECONFIG, "CA bundle %s cannot be loaded: %s", s->path,
                              openssl_reason(reason, sizeof(reason), "no certificate in it"));
            break;
        }
        if (sk_X509_num(certs) >= CA_CERTS_MAX || !sk_X509_push(certs, x)) {
            X509_free(x);
            rc = sw_error_set(err, SW_ECONFIG, "CA bundle %s: more than %d certificates", s->path,
                              CA_CERTS_MAX);
            break;
        }
    }
    BIO_free(in);
    if (rc) {
        sk_X509_pop_free(certs, X509_free);
        return rc;
    }
    s->certs = certs;
    s->loads++;
    return 0;
}

/* SSL_CTX_set_cert_verify_callback: OpenSSL's chain check, with the shared certificates
 * as the only trust anchors. x509_ctx comes set up by OpenSSL for this handshake (peer
 * chain, purpose, host and libcurl's flags); what the check decides is what it returns. */
static int verify_with_shared(X509_STORE_CTX *x509_ctx, void *arg)
{
    STACK_OF(X509) *anchors = arg;
    X509_STORE_CTX_set0_trusted_stack(x509_ctx, anchors);
    return X509_verify_cert(x509_ctx);
}

int sw_ca_store_install(struct sw_ca_store *s, SSL_CTX *ssl_ctx, struct sw_error *err)
{
    pthread_mutex_lock(&s->lock);
    int rc = s->certs ? 0 : load(s, err);
    STACK_OF(X509) *anchors = s->certs;
    pthread_mutex_unlock(&s->lock);
    if (rc)
        return rc;
    SSL_CTX_set_cert_verify_callback(ssl_ctx, verify_with_shared, anchors);
    return 0;
}
