/* sw_ca_store: the CA bundle, decoded once per process and shared by every TLS connection.
 *
 * Decoding a system CA bundle (about 145 certificates) is most of the CPU of a first TLS
 * handshake (docs/benchmarks.md, "The CA bundle, loaded once"). libcurl would decode it again
 * for every easy handle, so every origin of every client paid it. A struct sw_ca_store holds
 * the bundle's path and, from the first handshake on, one OpenSSL X509_STORE made from it:
 * each new TLS connection of every client that shares the sw_ca_store verifies its peer
 * against that store (verification itself is unchanged: VERIFYPEER and VERIFYHOST stay on).
 *
 * Nothing is read when the object is made: the bundle is loaded on the first handshake,
 * once, under the object's lock; a failed load is not kept, so the next handshake tries
 * again and fails with the same clear error while the file stays bad. The object is
 * reference-counted: the client that made it and every client that borrows it (siblings,
 * other regions' clients) hold a reference, and OpenSSL keeps its own references to the
 * X509_STORE for connections still open. */
#ifndef SW_CA_STORE_H
#define SW_CA_STORE_H

#include "handler/core/error.h"

#include <openssl/types.h>

struct sw_ca_store;

/* A store for the bundle at path (not read here; copied). Returns NULL with err set
 * (SW_ENOMEM, or SW_ECONFIG when path is longer than the store keeps). The caller holds the
 * one reference. */
struct sw_ca_store *sw_ca_store_new(const char *path, struct sw_error *err);

/* One more reference to s (returned). */
struct sw_ca_store *sw_ca_store_ref(struct sw_ca_store *s);

/* Drops a reference (NULL-safe); the last one frees the store. */
void sw_ca_store_unref(struct sw_ca_store *s);

/* The bundle's path. */
const char *sw_ca_store_path(const struct sw_ca_store *s);

/* Makes ssl_ctx verify against the shared X509_STORE, loading the bundle first if nothing
 * has loaded it yet (thread-safe). Returns 0, or SW_ECONFIG / SW_ENOMEM with err naming
 * the bundle's file and OpenSSL's reason. */
int sw_ca_store_install(struct sw_ca_store *s, SSL_CTX *ssl_ctx, struct sw_error *err);

#endif
