/* sw_xml: a tiny, bounded XML reader for the few AWS answers that are XML.
 *
 * SNS (awsQuery) answers and IAM-layer errors are small XML documents from
 * which we need a handful of leaf texts (MessageId, Error/Code, RequestId).
 * This reader never allocates, never expands DTD entities, caps the nesting
 * depth and checks the whole document is well formed. No libxml. */
#ifndef SW_XML_H
#define SW_XML_H

#include <stdbool.h>
#include <stddef.h>

#define SW_XML_MAX_DEPTH 32
#define SW_XML_MAX_BYTES ((size_t)8 * 1024 * 1024)
#define SW_XML_NAME_MAX 128 /* longest element name considered */

/* Finds the character data of the first element whose element path ends with `path`:
 * "Error/Code" is an element Code whose parent is Error; "MessageId" any element MessageId.
 * Namespace prefixes are ignored. Entities (&lt; &gt; &amp; &quot; &apos; &#N; &#xN;) and
 * CDATA are decoded into out (cap bytes, NUL-terminated). The whole document is checked.
 * Returns 1 when found, 0 when the document is well formed but has no such element,
 * SW_EPARSE when malformed (mismatched or unclosed tags, a DOCTYPE, bad entity, text outside
 * the root), SW_ELIMIT when deeper than SW_XML_MAX_DEPTH, longer than SW_XML_MAX_BYTES, or the
 * text does not fit in out. */
int sw_xml_find_text(const char *xml, size_t len, const char *path, char *out, size_t cap);

/* True when the first non-blank byte of s[0..len) is '<'. */
bool sw_xml_looks_like_xml(const char *s, size_t len);

#endif
