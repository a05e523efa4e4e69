/* sw_buf / sw_str: owned, bounded text buffers and borrowed views.
 *
 * Every growable buffer is created with a ceiling (like curl's dynbuf): an
 * append past it fails with SW_ELIMIT and leaves the buffer as it was, so no
 * input can make the function grow without bound. The data is always
 * NUL-terminated for convenience, but may also hold binary bytes. */
#ifndef SW_BUF_H
#define SW_BUF_H

#include <stdbool.h>
#include <stddef.h>

/* A borrowed view: does not own ptr, not necessarily NUL-terminated. */
struct sw_str {
    const char *ptr;
    size_t len;
};

#define SW_STR_LIT(s) ((struct sw_str){(s), sizeof(s) - 1})

struct sw_buf {
    char *data; /* NULL until the first append; always NUL-terminated after it */
    size_t len; /* bytes used, not counting the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* ceiling on len */
};

/* A zeroed struct sw_buf is valid and empty; sw_buf_init sets its ceiling. */
void sw_buf_init(struct sw_buf *b, size_t max);

/* Frees the memory; the buffer is empty and reusable (same ceiling) afterwards. */
void sw_buf_clear(struct sw_buf *b);

/* Like sw_buf_clear, but overwrites the bytes first: for secrets. */
void sw_buf_free_secure(struct sw_buf *b);

/* Empties the buffer, keeping its memory. */
void sw_buf_reset(struct sw_buf *b);

/* Appends. Return 0, SW_ENOMEM, or SW_ELIMIT (buffer unchanged). */
int sw_buf_append(struct sw_buf *b, const void *data, size_t len);
int sw_buf_append_str(struct sw_buf *b, const char *s);
int sw_buf_append_char(struct sw_buf *b, char c);
int sw_buf_appendf(struct sw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Hands the data to the caller (free() it) and empties the buffer. Never NULL on success:
 * an empty buffer gives "". Returns NULL only when out of memory. */
char *sw_buf_detach(struct sw_buf *b);

/* The data as a C string ("" when empty). Valid until the next change to b. */
const char *sw_buf_cstr(const struct sw_buf *b);

struct sw_str sw_str_from_cstr(const char *s);

#endif
