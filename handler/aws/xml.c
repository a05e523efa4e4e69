/* sw_xml: a single forward pass over an XML document that keeps a stack of
 * element names (views into the input) and copies out the text of the first
 * element matching a path. Anything outside the small XML subset AWS sends
 * (DOCTYPE, unbalanced tags, stray text) is a parse error, never a guess. */
#include "handler/aws/xml.h"

#include "handler/core/error.h"

#include <stdint.h>
#include <string.h>

struct name {
    const char *ptr;
    size_t len;
};

struct reader {
    const char *s;
    size_t len;
    size_t pos;
    struct name stack[SW_XML_MAX_DEPTH];
    size_t depth;
    /* the path to match, split on '/' */
    struct name want[SW_XML_MAX_DEPTH];
    size_t want_count;
    /* output */
    char *out;
    size_t cap;
    size_t out_len;
    size_t collect_depth; /* depth of the element being collected; 0 = not collecting */
    int found;
};

bool sw_xml_looks_like_xml(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        return c == '<';
    }
    return false;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool starts_with(const struct reader *r, const char *lit)
{
    size_t n = strlen(lit);
    return r->len - r->pos >= n && memcmp(r->s + r->pos, lit, n) == 0;
}

/* Moves past the next occurrence of lit; SW_EPARSE if there is none. */
static int skip_past(struct reader *r, const char *lit)
{
    size_t n = strlen(lit);
    while (r->len - r->pos >= n) {
        if (memcmp(r->s + r->pos, lit, n) == 0) {
            r->pos += n;
            return 0;
        }
        r->pos++;
    }
    return SW_EPARSE;
}

static struct name local_name(struct name n)
{
    const char *colon = memchr(n.ptr, ':', n.len);
    if (colon) {
        size_t skip = (size_t)(colon - n.ptr) + 1;
        n.ptr += skip;
        n.len -= skip;
    }
    return n;
}

static bool path_matches(const struct reader *r)
{
    if (r->want_count > r->depth)
        return false;
    for (size_t i = 0; i < r->want_count; i++) {
        struct name have = local_name(r->stack[r->depth - r->want_count + i]);
        const struct name *want = &r->want[i];
        if (have.len != want->len || memcmp(have.ptr, want->ptr, have.len) != 0)
            return false;
    }
    return true;
}

static int emit(struct reader *r, const char *p, size_t n)
{
    if (!r->collect_depth || r->collect_depth != r->depth)
        return 0;
    if (n >= r->cap - r->out_len)
        return SW_ELIMIT;
    memcpy(r->out + r->out_len, p, n);
    r->out_len += n;
    r->out[r->out_len] = '\0';
    return 0;
}

static int emit_codepoint(struct reader *r, uint32_t cp)
{
    char u[4];
    size_t n;

    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return SW_EPARSE;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return emit(r, u, n);
}

/* At '&': decodes one entity reference. */
static int entity(struct reader *r)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    size_t start = r->pos + 1;
    size_t end = start;

    while (end < r->len && end - start < 12 && r->s[end] != ';')
        end++;
    if (end >= r->len || r->s[end] != ';' || end == start)
        return SW_EPARSE;
    const char *e = r->s + start;
    size_t n = end - start;
    r->pos = end + 1;
    if (e[0] == '#') {
        uint32_t cp = 0;
        size_t i = 1;
        int base = 10;
        if (n > 1 && e[1] == 'x') {
            base = 16;
            i = 2;
        }
        if (i >= n)
            return SW_EPARSE;
        for (; i < n; i++) {
            unsigned char c = (unsigned char)e[i];
            uint32_t d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (base == 16 && c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (base == 16 && c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                return SW_EPARSE;
            cp = cp * (uint32_t)base + d;
            if (cp > 0x10FFFF)
                return SW_EPARSE;
        }
        return emit_codepoint(r, cp);
    }
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
        if (strlen(named[i].name) == n && memcmp(named[i].name, e, n) == 0)
            return emit(r, &named[i].c, 1);
    }
    return SW_EPARSE;
}

static int text(struct reader *r)
{
    while (r->pos < r->len && r->s[r->pos] != '<') {
        char c = r->s[r->pos];
        if (r->depth == 0 && !is_space(c))
            return SW_EPARSE; /* text outside the root element */
        if (c == '&') {
            int rc = entity(r);
            if (rc)
                return rc;
            continue;
        }
        size_t run = r->pos;
        while (run < r->len && r->s[run] != '<' && r->s[run] != '&')
            run++;
        if (r->depth > 0) {
            int rc = emit(r, r->s + r->pos, run - r->pos);
            if (rc)
                return rc;
        }
        r->pos = run;
    }
    return 0;
}

static int read_name(struct reader *r, struct name *n)
{
    size_t start = r->pos;
    while (r->pos < r->len) {
        char c = r->s[r->pos];
        if (is_space(c) || c == '>' || c == '/' || c == '<' || c == '=' || c == '"' || c == '\'')
            break;
        r->pos++;
    }
    n->ptr = r->s + start;
    n->len = r->pos - start;
    return (n->len == 0 || n->len > SW_XML_NAME_MAX) ? SW_EPARSE : 0;
}

/* At "<name": reads attributes (skipped) up to '>' or '/>'. */
static int start_tag(struct reader *r, size_t *root_count)
{
    struct name n;
    r->pos++; /* '<' */
    int rc = read_name(r, &n);
    if (rc)
        return rc;
    for (;;) {
        while (r->pos < r->len && is_space(r->s[r->pos]))
            r->pos++;
        if (r->pos >= r->len)
            return SW_EPARSE;
        char c = r->s[r->pos];
        if (c == '>' || (c == '/' && r->pos + 1 < r->len && r->s[r->pos + 1] == '>'))
            break;
        struct name attr;
        rc = read_name(r, &attr);
        if (rc)
            return rc;
        while (r->pos < r->len && is_space(r->s[r->pos]))
            r->pos++;
        if (r->pos >= r->len || r->s[r->pos] != '=')
            return SW_EPARSE;
        r->pos++;
        while (r->pos < r->len && is_space(r->s[r->pos]))
            r->pos++;
        if (r->pos >= r->len || (r->s[r->pos] != '"' && r->s[r->pos] != '\''))
            return SW_EPARSE;
        char quote = r->s[r->pos++];
        const char *close = memchr(r->s + r->pos, quote, r->len - r->pos);
        if (!close || memchr(r->s + r->pos, '<', (size_t)(close - (r->s + r->pos))))
            return SW_EPARSE;
        r->pos = (size_t)(close - r->s) + 1;
    }
    bool empty = r->s[r->pos] == '/';
    r->pos += empty ? 2 : 1;
    if (r->depth == 0 && ++*root_count > 1)
        return SW_EPARSE; /* a second root */
    if (r->depth >= SW_XML_MAX_DEPTH)
        return SW_ELIMIT;
    r->stack[r->depth++] = n;
    if (!r->found && !r->collect_depth && path_matches(r)) {
        r->collect_depth = r->depth;
        r->out_len = 0;
        r->out[0] = '\0';
    }
    if (empty) {
        if (r->collect_depth == r->depth) {
            r->collect_depth = 0;
            r->found = 1;
        }
        r->depth--;
    }
    return 0;
}

static int end_tag(struct reader *r)
{
    struct name n;
    r->pos += 2; /* "</" */
    int rc = read_name(r, &n);
    if (rc)
        return rc;
    while (r->pos < r->len && is_space(r->s[r->pos]))
        r->pos++;
    if (r->pos >= r->len || r->s[r->pos] != '>' || r->depth == 0)
        return SW_EPARSE;
    r->pos++;
    const struct name *open = &r->stack[r->depth - 1];
    if (open->len != n.len || memcmp(open->ptr, n.ptr, n.len) != 0)
        return SW_EPARSE;
    if (r->collect_depth == r->depth) {
        r->collect_depth = 0;
        r->found = 1;
    }
    r->depth--;
    return 0;
}

static int split_path(struct reader *r, const char *path)
{
    const char *p = path;
    r->want_count = 0;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || r->want_count >= SW_XML_MAX_DEPTH)
            return SW_EINVAL;
        r->want[r->want_count].ptr = p;
        r->want[r->want_count].len = n;
        r->want_count++;
        p += n;
        if (*p == '/')
            p++;
    }
    return r->want_count ? 0 : SW_EINVAL;
}

int sw_xml_find_text(const char *xml, size_t len, const char *path, char *out, size_t cap)
{
    struct reader r;
    size_t roots = 0;
    int rc;

    if (!out || cap == 0 || !path)
        return SW_EINVAL;
    out[0] = '\0';
    if (len > SW_XML_MAX_BYTES)
        return SW_ELIMIT;
    memset(&r, 0, sizeof(r));
    r.s = xml;
    r.len = xml ? len : 0;
    r.out = out;
    r.cap = cap;
    rc = split_path(&r, path);
    if (rc)
        return rc;

    while (r.pos < r.len) {
        if (r.s[r.pos] != '<') {
            rc = text(&r);
        } else if (starts_with(&r, "<?")) {
            rc = r.depth == 0 ? skip_past(&r, "?>") : SW_EPARSE;
        } else if (starts_with(&r, "<!--")) {
            rc = skip_past(&r, "-->");
        } else if (starts_with(&r, "<![CDATA[")) {
            if (r.depth == 0)
                return SW_EPARSE;
            size_t start = r.pos + 9;
            r.pos = start;
            rc = skip_past(&r, "]]>");
            if (!rc)
                rc = emit(&r, r.s + start, r.pos - 3 - start);
        } else if (starts_with(&r, "<!")) {
            rc = SW_EPARSE; /* DOCTYPE and friends: AWS never sends them */
        } else if (starts_with(&r, "</")) {
            rc = end_tag(&r);
        } else {
            rc = start_tag(&r, &roots);
        }
        if (rc) {
            out[0] = '\0';
            return rc;
        }
    }
    if (r.depth != 0 || roots == 0) {
        out[0] = '\0';
        return SW_EPARSE;
    }
    if (!r.found)
        out[0] = '\0';
    return r.found;
}
