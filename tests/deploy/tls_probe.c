/* tls_probe: a test program linked like the artifact (lean static libcurl,
 * OpenSSL and cJSON from the scripts/build-deps.sh prefix) that shows, inside
 * the artifact test's chroot, what the lean libcurl is built with and that an
 * HTTPS request verifies its peer against the CA bundle at curl's compiled-in
 * default path, with no CA option set by the program.
 *   tls_probe info      -> one JSON line: version, ssl, protocols, features, cainfo, capath,
 *                          proxy (whether CURLOPT_PROXY is built in: HTTPS_PROXY support)
 *   tls_probe get URL   -> GETs URL, parses the JSON body {"message": "..."} and prints
 *                          "ok <message> <sha256 of the body>"; exit 1 on any failure */
#include <stdio.h>
#include <string.h>

#include <cJSON.h>
#include <curl/curl.h>
#include <openssl/evp.h>

enum { PROBE_MAX_BODY = 64 * 1024 };

struct body {
    char data[PROBE_MAX_BODY];
    size_t len;
    int overflow;
};

static size_t collect(char *ptr, size_t size, size_t nmemb, void *user)
{
    struct body *b = user;
    size_t n = size * nmemb;
    if (n > sizeof(b->data) - b->len) {
        b->overflow = 1;
        return 0;
    }
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    return n;
}

static int print_info(void)
{
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    cJSON *o = cJSON_CreateObject();
    cJSON *protocols = cJSON_AddArrayToObject(o, "protocols");
    cJSON *features = cJSON_AddArrayToObject(o, "features");
    int rc = 1;
    if (!o || !protocols || !features)
        goto out_free;
    cJSON_AddStringToObject(o, "version", v->version);
    cJSON_AddStringToObject(o, "ssl", v->ssl_version ? v->ssl_version : "");
    for (const char *const *p = v->protocols; *p; p++)
        cJSON_AddItemToArray(protocols, cJSON_CreateString(*p));
    static const struct {
        int bit;
        const char *name;
    } names[] = {
        {CURL_VERSION_IPV6, "IPv6"},
        {CURL_VERSION_SSL, "SSL"},
        {CURL_VERSION_LIBZ, "libz"},
        {CURL_VERSION_NTLM, "NTLM"},
        {CURL_VERSION_ASYNCHDNS, "AsynchDNS"},
        {CURL_VERSION_IDN, "IDN"},
        {CURL_VERSION_HTTP2, "HTTP2"},
        {CURL_VERSION_PSL, "PSL"},
        {CURL_VERSION_BROTLI, "brotli"},
        {CURL_VERSION_ZSTD, "zstd"},
        {CURL_VERSION_ALTSVC, "alt-svc"},
        {CURL_VERSION_HSTS, "HSTS"},
        {CURL_VERSION_HTTP3, "HTTP3"},
        {CURL_VERSION_GSSAPI, "GSS-API"},
        {CURL_VERSION_KERBEROS5, "Kerberos"},
        {CURL_VERSION_UNIX_SOCKETS, "UnixSockets"},
        {CURL_VERSION_THREADSAFE, "threadsafe"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (v->features & names[i].bit)
            cJSON_AddItemToArray(features, cJSON_CreateString(names[i].name));
    if (v->age >= CURLVERSION_NINTH) {
        if (v->cainfo)
            cJSON_AddStringToObject(o, "cainfo", v->cainfo);
        else
            cJSON_AddNullToObject(o, "cainfo");
        if (v->capath)
            cJSON_AddStringToObject(o, "capath", v->capath);
        else
            cJSON_AddNullToObject(o, "capath");
    }
    CURL *h = curl_easy_init();
    cJSON_AddBoolToObject(
        o, "proxy", h && curl_easy_setopt(h, CURLOPT_PROXY, "http://127.0.0.1:9") == CURLE_OK);
    curl_easy_cleanup(h);
    char *text = cJSON_PrintUnformatted(o);
    if (!text)
        goto out_free;
    printf("%s\n", text);
    cJSON_free(text);
    rc = 0;
out_free:
    cJSON_Delete(o);
    return rc;
}

static int get(const char *url)
{
    static struct body body;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    long status = 0;
    int rc = 1;
    CURL *h = curl_easy_init();
    if (!h)
        return 1;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
    CURLcode cc = curl_easy_perform(h);
    if (cc != CURLE_OK) {
        fprintf(stderr, "tls_probe: %s: %s\n", url, curl_easy_strerror(cc));
        goto out_cleanup;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200 || body.overflow) {
        fprintf(stderr, "tls_probe: HTTP status %ld, overflow %d\n", status, body.overflow);
        goto out_cleanup;
    }
    cJSON *doc = cJSON_ParseWithLength(body.data, body.len);
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(doc, "message");
    if (!cJSON_IsString(msg)) {
        fprintf(stderr, "tls_probe: the body has no string \"message\"\n");
        cJSON_Delete(doc);
        goto out_cleanup;
    }
    if (!EVP_Digest(body.data, body.len, digest, &digest_len, EVP_sha256(), NULL)) {
        fprintf(stderr, "tls_probe: SHA-256 failed\n");
        cJSON_Delete(doc);
        goto out_cleanup;
    }
    printf("ok %s ", msg->valuestring);
    for (unsigned int i = 0; i < digest_len; i++)
        printf("%02x", digest[i]);
    printf("\n");
    cJSON_Delete(doc);
    rc = 0;
out_cleanup:
    curl_easy_cleanup(h);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 2;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    if (argc == 2 && strcmp(argv[1], "info") == 0)
        rc = print_info();
    else if (argc == 3 && strcmp(argv[1], "get") == 0)
        rc = get(argv[2]);
    else
        fprintf(stderr, "usage: tls_probe info | tls_probe get URL\n");
    curl_global_cleanup();
    return rc;
}
