/* sw_ca_store internals that tests and benchmarks read: how often the bundle was decoded. */
#ifndef SW_CA_STORE_INTERNAL_H
#define SW_CA_STORE_INTERNAL_H

#include "handler/aws/ca_store.h"

/* Successful loads of s's bundle so far: 0 before the first TLS handshake, then 1. */
unsigned sw_ca_store_loads(struct sw_ca_store *s);

#endif
