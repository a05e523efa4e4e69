/* sw_inspector2 wire format: request bodies and answer parsers of the Inspector2
 * operations (restJson1: fixed POST paths, JSON bodies, errors in x-amzn-ErrorType);
 * inspector2_call.c sends them. Pure: no I/O. Bodies are built with cJSON in a fixed member order
 * so they are byte-for-byte reproducible; answers are read leniently (absent members stay empty)
 * but strictly typed. */
#include "handler/aws/inspector2.h"

#include "handler/aws/json.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- bodies */

static int add_string_array(cJSON *obj, const char *key, const char *const *items, size_t n)
{
    cJSON *arr = cJSON_AddArrayToObject(obj, key);
    if (!arr)
        return SW_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        cJSON *s = cJSON_CreateString(items[i]);
        if (!s)
            return SW_ENOMEM;
        cJSON_AddItemToArray(arr, s);
    }
    return 0;
}

static int check_ids(const char *const *ids, size_t n, const char *what, struct sw_error *err)
{
    if (n == 0 || !ids)
        return sw_error_set(err, SW_EINVAL, "%s: at least one account id is needed", what);
    if (n > SW_INSPECTOR2_ACCOUNTS_MAX)
        return sw_error_set(err, SW_ELIMIT, "%s: %zu account ids, at most %d per call", what, n,
                            SW_INSPECTOR2_ACCOUNTS_MAX);
    for (size_t i = 0; i < n; i++) {
        if (!ids[i] || !*ids[i] || strlen(ids[i]) >= SW_AWS_ACCOUNT_ID_MAX)
            return sw_error_set(err, SW_EINVAL, "%s: account id %zu is empty or too long", what, i);
    }
    return 0;
}

int sw_inspector2_batch_get_account_status_body(const char *const *account_ids, size_t n,
                                                struct sw_buf *out, struct sw_error *err)
{
    int rc = check_ids(account_ids, n, "inspector2:BatchGetAccountStatus", err);
    if (rc)
        return rc;
    cJSON *root = cJSON_CreateObject();
    if (!root || add_string_array(root, "accountIds", account_ids, n)) {
        rc = sw_error_set(err, SW_ENOMEM, "out of memory building a request");
        goto out_delete;
    }
    rc = sw_aws_json_print(root, out, err);
out_delete:
    cJSON_Delete(root);
    return rc;
}

int sw_inspector2_enable_body(const char *const *account_ids, size_t n,
                              const char *const *resource_types, size_t n_types,
                              const char *client_token, struct sw_buf *out, struct sw_error *err)
{
    int rc = check_ids(account_ids, n, "inspector2:Enable", err);
    if (rc)
        return rc;
    if (!resource_types || n_types == 0 || n_types > SW_INSPECTOR2_RESOURCE_TYPES_MAX)
        return sw_error_set(err, SW_EINVAL, "inspector2:Enable: 1 to %d resource types needed",
                            SW_INSPECTOR2_RESOURCE_TYPES_MAX);
    for (size_t i = 0; i < n_types; i++) {
        if (!resource_types[i] || !*resource_types[i] ||
            strlen(resource_types[i]) >= SW_AWS_ENUM_MAX)
            return sw_error_set(err, SW_EINVAL, "inspector2:Enable: resource type %zu is invalid",
                                i);
    }
    if (client_token && strlen(client_token) >= SW_INSPECTOR2_CLIENT_TOKEN_MAX)
        return sw_error_set(err, SW_EINVAL, "inspector2:Enable: clientToken over 64 characters");
    cJSON *root = cJSON_CreateObject();
    if (!root || add_string_array(root, "resourceTypes", resource_types, n_types) ||
        add_string_array(root, "accountIds", account_ids, n) ||
        (client_token && *client_token &&
         !cJSON_AddStringToObject(root, "clientToken", client_token))) {
        rc = sw_error_set(err, SW_ENOMEM, "out of memory building a request");
        goto out_delete;
    }
    rc = sw_aws_json_print(root, out, err);
out_delete:
    cJSON_Delete(root);
    return rc;
}

int sw_inspector2_update_configuration_body(const char *rescan_duration, struct sw_buf *out,
                                            struct sw_error *err)
{
    int rc;
    if (!rescan_duration || !*rescan_duration || strlen(rescan_duration) >= SW_AWS_ENUM_MAX)
        return sw_error_set(err, SW_EINVAL,
                            "inspector2:UpdateConfiguration: rescanDuration is empty or too long");
    cJSON *root = cJSON_CreateObject();
    cJSON *ecr = root ? cJSON_AddObjectToObject(root, "ecrConfiguration") : NULL;
    if (!ecr || !cJSON_AddStringToObject(ecr, "rescanDuration", rescan_duration)) {
        rc = sw_error_set(err, SW_ENOMEM, "out of memory building a request");
        goto out_delete;
    }
    rc = sw_aws_json_print(root, out, err);
out_delete:
    cJSON_Delete(root);
    return rc;
}

int sw_inspector2_list_members_body(bool only_associated, int max_results, const char *next_token,
                                    struct sw_buf *out, struct sw_error *err)
{
    int rc;
    if (max_results < 1 || max_results > SW_INSPECTOR2_MEMBERS_PAGE_MAX)
        return sw_error_set(err, SW_EINVAL, "inspector2:ListMembers: maxResults must be 1..%d",
                            SW_INSPECTOR2_MEMBERS_PAGE_MAX);
    if (next_token && strlen(next_token) >= SW_INSPECTOR2_NEXT_TOKEN_MAX)
        return sw_error_set(err, SW_ELIMIT, "inspector2:ListMembers: nextToken too long");
    cJSON *root = cJSON_CreateObject();
    if (!root || !cJSON_AddBoolToObject(root, "onlyAssociated", only_associated) ||
        !cJSON_AddNumberToObject(root, "maxResults", max_results) ||
        (next_token && *next_token && !cJSON_AddStringToObject(root, "nextToken", next_token))) {
        rc = sw_error_set(err, SW_ENOMEM, "out of memory building a request");
        goto out_delete;
    }
    rc = sw_aws_json_print(root, out, err);
out_delete:
    cJSON_Delete(root);
    return rc;
}

int sw_inspector2_new_client_token(char *out, size_t cap, struct sw_error *err)
{
    unsigned char b[16];
    if (cap < 37)
        return sw_error_set(err, SW_EINVAL, "client token buffer too small");
    if (RAND_bytes(b, sizeof(b)) != 1)
        return sw_error_set(err, SW_EINTERNAL, "OpenSSL RAND_bytes failed");
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, cap, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
    return 0;
}

/* ---------------------------------------------------------------- parsers */

static int parse_state(const cJSON *obj, const char *key, struct sw_inspector2_state *st,
                       const char *what, struct sw_error *err)
{
    const cJSON *s;
    int rc = sw_aws_json_get_object(obj, key, &s, what, err);
    if (rc || !s)
        return rc;
    rc = sw_aws_json_copy_string(s, "status", st->status, sizeof(st->status), what, err);
    if (!rc)
        rc = sw_aws_json_copy_string(s, "errorCode", st->error_code, sizeof(st->error_code), what,
                                     err);
    if (!rc)
        rc = sw_aws_json_copy_string(s, "errorMessage", st->error_message,
                                     sizeof(st->error_message), what, err);
    return rc;
}

static int parse_failed(const cJSON *root, const char *what, struct sw_failed_account **out,
                        size_t *count, struct sw_error *err)
{
    const cJSON *arr, *item;
    size_t n = 0, i = 0;
    int rc = sw_aws_json_get_array(root, "failedAccounts", SW_INSPECTOR2_RESULTS_MAX, &arr, &n,
                                   what, err);
    if (rc || n == 0)
        return rc;
    struct sw_failed_account *f = calloc(n, sizeof(*f));
    if (!f)
        return sw_error_set(err, SW_ENOMEM, "%s: out of memory", what);
    cJSON_ArrayForEach(item, arr)
    {
        struct sw_failed_account *a = &f[i++];
        const cJSON *rs;
        if (!cJSON_IsObject(item)) {
            rc = sw_error_set(err, SW_EPARSE, "%s: a failedAccounts item is not an object", what);
            goto out;
        }
        TRY(sw_aws_json_copy_string(item, "accountId", a->account_id, sizeof(a->account_id), what,
                                    err));
        TRY(sw_aws_json_copy_string(item, "status", a->status, sizeof(a->status), what, err));
        TRY(sw_aws_json_copy_string(item, "errorCode", a->error_code, sizeof(a->error_code), what,
                                    err));
        TRY(sw_aws_json_copy_string(item, "errorMessage", a->error_message,
                                    sizeof(a->error_message), what, err));
        TRY(sw_aws_json_get_object(item, "resourceStatus", &rs, what, err));
        TRY(sw_aws_json_copy_string(rs, "ecr", a->ecr_status, sizeof(a->ecr_status), what, err));
    }
    *out = f;
    *count = n;
    return 0;
out:
    free(f);
    return rc;
}

void sw_account_status_list_clear(struct sw_account_status_list *l)
{
    free(l->accounts);
    free(l->failed);
    memset(l, 0, sizeof(*l));
}

const struct sw_account_status *sw_account_status_find(const struct sw_account_status_list *l,
                                                       const char *account_id)
{
    for (size_t i = 0; i < l->count; i++) {
        if (strcmp(l->accounts[i].account_id, account_id) == 0)
            return &l->accounts[i];
    }
    return NULL;
}

typedef int (*account_item_fn)(const cJSON *item, void *elem, const char *what,
                               struct sw_error *err);

/* An answer of the form {"accounts": [{...}], "failedAccounts": [...]}: allocates *items
 * (one element of size bytes per account), parses each with parse_item, then the failed
 * accounts. On error the caller frees what was allocated. */
static int parse_accounts(const char *json, size_t len, const char *what, size_t size, void **items,
                          size_t *count, account_item_fn parse_item,
                          struct sw_failed_account **failed, size_t *failed_count,
                          struct sw_error *err)
{
    cJSON *root = NULL;
    const cJSON *arr, *item;
    size_t n = 0, i = 0;
    int rc;

    TRY(sw_aws_json_parse_object(json, len, what, &root, err));
    TRY(sw_aws_json_get_array(root, "accounts", SW_INSPECTOR2_RESULTS_MAX, &arr, &n, what, err));
    if (n) {
        *items = calloc(n, size);
        if (!*items) {
            rc = sw_error_set(err, SW_ENOMEM, "%s: out of memory", what);
            goto out;
        }
        *count = n;
    }
    cJSON_ArrayForEach(item, arr)
    {
        if (!cJSON_IsObject(item)) {
            rc = sw_error_set(err, SW_EPARSE, "%s: an accounts item is not an object", what);
            goto out;
        }
        TRY(parse_item(item, (char *)*items + size * i++, what, err));
    }
    TRY(parse_failed(root, what, failed, failed_count, err));
out:
    cJSON_Delete(root);
    return rc;
}

static int account_status_item(const cJSON *item, void *elem, const char *what,
                               struct sw_error *err)
{
    struct sw_account_status *a = elem;
    const cJSON *rs;
    int rc;
    TRY(sw_aws_json_copy_string(item, "accountId", a->account_id, sizeof(a->account_id), what,
                                err));
    TRY(parse_state(item, "state", &a->state, what, err));
    TRY(sw_aws_json_get_object(item, "resourceState", &rs, what, err));
    TRY(parse_state(rs, "ec2", &a->ec2, what, err));
    TRY(parse_state(rs, "ecr", &a->ecr, what, err));
    TRY(parse_state(rs, "lambda", &a->lambda, what, err));
    TRY(parse_state(rs, "lambdaCode", &a->lambda_code, what, err));
    TRY(parse_state(rs, "codeRepository", &a->code_repository, what, err));
out:
    return rc;
}

int sw_inspector2_parse_account_status(const char *json, size_t len,
                                       struct sw_account_status_list *out, struct sw_error *err)
{
    memset(out, 0, sizeof(*out));
    void *items = NULL;
    int rc = parse_accounts(json, len, "inspector2:BatchGetAccountStatus", sizeof(*out->accounts),
                            &items, &out->count, account_status_item, &out->failed,
                            &out->failed_count, err);
    out->accounts = items;
    if (rc)
        sw_account_status_list_clear(out);
    return rc;
}

void sw_enable_result_clear(struct sw_enable_result *r)
{
    free(r->accounts);
    free(r->failed);
    memset(r, 0, sizeof(*r));
}

static int enabled_account_item(const cJSON *item, void *elem, const char *what,
                                struct sw_error *err)
{
    struct sw_enabled_account *a = elem;
    const cJSON *rs;
    int rc;
    TRY(sw_aws_json_copy_string(item, "accountId", a->account_id, sizeof(a->account_id), what,
                                err));
    TRY(sw_aws_json_copy_string(item, "status", a->status, sizeof(a->status), what, err));
    TRY(sw_aws_json_get_object(item, "resourceStatus", &rs, what, err));
    TRY(sw_aws_json_copy_string(rs, "ec2", a->ec2_status, sizeof(a->ec2_status), what, err));
    TRY(sw_aws_json_copy_string(rs, "ecr", a->ecr_status, sizeof(a->ecr_status), what, err));
    TRY(sw_aws_json_copy_string(rs, "lambda", a->lambda_status, sizeof(a->lambda_status), what,
                                err));
    TRY(sw_aws_json_copy_string(rs, "lambdaCode", a->lambda_code_status,
                                sizeof(a->lambda_code_status), what, err));
out:
    return rc;
}

int sw_inspector2_parse_enable(const char *json, size_t len, struct sw_enable_result *out,
                               struct sw_error *err)
{
    memset(out, 0, sizeof(*out));
    void *items = NULL;
    int rc =
        parse_accounts(json, len, "inspector2:Enable", sizeof(*out->accounts), &items, &out->count,
                       enabled_account_item, &out->failed, &out->failed_count, err);
    out->accounts = items;
    if (rc)
        sw_enable_result_clear(out);
    return rc;
}

int sw_inspector2_parse_configuration(const char *json, size_t len,
                                      struct sw_inspector2_configuration *out, struct sw_error *err)
{
    static const char what[] = "inspector2:GetConfiguration";
    cJSON *root = NULL;
    const cJSON *ecr, *state, *ec2, *mode;
    int rc;

    memset(out, 0, sizeof(*out));
    TRY(sw_aws_json_parse_object(json, len, what, &root, err));
    TRY(sw_aws_json_get_object(root, "ecrConfiguration", &ecr, what, err));
    out->has_ecr = ecr != NULL;
    TRY(sw_aws_json_get_object(ecr, "rescanDurationState", &state, what, err));
    TRY(sw_aws_json_copy_string(state, "rescanDuration", out->rescan_duration,
                                sizeof(out->rescan_duration), what, err));
    TRY(sw_aws_json_copy_string(state, "status", out->rescan_status, sizeof(out->rescan_status),
                                what, err));
    TRY(sw_aws_json_get_number(state, "updatedAt", &out->rescan_updated_at, what, err));
    TRY(sw_aws_json_copy_string(state, "pullDateRescanDuration", out->pull_date_rescan_duration,
                                sizeof(out->pull_date_rescan_duration), what, err));
    TRY(sw_aws_json_copy_string(state, "pullDateRescanMode", out->pull_date_rescan_mode,
                                sizeof(out->pull_date_rescan_mode), what, err));
    TRY(sw_aws_json_get_object(root, "ec2Configuration", &ec2, what, err));
    TRY(sw_aws_json_get_object(ec2, "scanModeState", &mode, what, err));
    TRY(sw_aws_json_copy_string(mode, "scanMode", out->ec2_scan_mode, sizeof(out->ec2_scan_mode),
                                what, err));
    TRY(sw_aws_json_copy_string(mode, "scanModeStatus", out->ec2_scan_mode_status,
                                sizeof(out->ec2_scan_mode_status), what, err));
out:
    cJSON_Delete(root);
    if (rc)
        memset(out, 0, sizeof(*out));
    return rc;
}

void sw_member_list_clear(struct sw_member_list *l)
{
    free(l->members);
    memset(l, 0, sizeof(*l));
}

int sw_inspector2_parse_members(const char *json, size_t len, struct sw_member_list *out,
                                struct sw_error *err)
{
    static const char what[] = "inspector2:ListMembers";
    cJSON *root = NULL;
    const cJSON *arr, *item;
    size_t n = 0, i = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    TRY(sw_aws_json_parse_object(json, len, what, &root, err));
    TRY(sw_aws_json_get_array(root, "members", SW_INSPECTOR2_RESULTS_MAX, &arr, &n, what, err));
    if (n) {
        out->members = calloc(n, sizeof(*out->members));
        if (!out->members) {
            rc = sw_error_set(err, SW_ENOMEM, "%s: out of memory", what);
            goto out;
        }
        out->count = n;
    }
    cJSON_ArrayForEach(item, arr)
    {
        struct sw_member *m = &out->members[i++];
        if (!cJSON_IsObject(item)) {
            rc = sw_error_set(err, SW_EPARSE, "%s: a members item is not an object", what);
            goto out;
        }
        TRY(sw_aws_json_copy_string(item, "accountId", m->account_id, sizeof(m->account_id), what,
                                    err));
        TRY(sw_aws_json_copy_string(item, "relationshipStatus", m->relationship_status,
                                    sizeof(m->relationship_status), what, err));
        TRY(sw_aws_json_copy_string(item, "delegatedAdminAccountId", m->delegated_admin_account_id,
                                    sizeof(m->delegated_admin_account_id), what, err));
        TRY(sw_aws_json_get_number(item, "updatedAt", &m->updated_at, what, err));
    }
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(root, "nextToken");
    if (cJSON_IsString(tok) && tok->valuestring &&
        strlen(tok->valuestring) >= sizeof(out->next_token)) {
        rc = sw_error_set(err, SW_ELIMIT, "%s: nextToken longer than %zu bytes", what,
                          sizeof(out->next_token) - 1);
        goto out;
    }
    TRY(sw_aws_json_copy_string(root, "nextToken", out->next_token, sizeof(out->next_token), what,
                                err));
out:
    cJSON_Delete(root);
    if (rc)
        sw_member_list_clear(out);
    return rc;
}
