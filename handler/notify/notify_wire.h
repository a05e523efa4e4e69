/* sw_notify_wire: a notification as SNS delivers it to each kind of subscriber.
 *
 * With MessageStructure=json, SNS gives each protocol its own message: e-mail and the
 * default get the readable text, SQS, Lambda, HTTP and HTTPS get the versioned JSON
 * document (docs/notification.schema.json), and with CHAT_FORMAT=chatbot HTTPS gets the
 * Amazon Q Developer in chat applications custom notification instead
 * (docs/chatbot-notification.schema.json, built by notify_chat.c). This file assembles
 * those, within SNS's 256 KiB for the whole message structure, cutting the document first
 * and then the text. Pure. */
#ifndef SW_NOTIFY_WIRE_H
#define SW_NOTIFY_WIRE_H

#include "handler/core/buf.h"
#include "handler/parse/config.h"
#include "handler/core/error.h"
#include "handler/core/notification.h"

#define SW_NOTIFICATION_SCHEMA_VERSION "1.0"
#define SW_WIRE_DOCUMENT_MAX                                                                       \
    ((size_t)24 * 1024)                      /* bytes of the printed JSON document, with           \
                                                "truncated": true when cut */
#define SW_WIRE_CHAT_MAX ((size_t)12 * 1024) /* bytes of the printed chat payload */
#define SW_DOCUMENT_CUT_START 1024 /* first length long strings are cut to when shrinking */
#define SW_WIRE_TEXT_CUT_MARKER "\n\n[... cut: the whole notification must fit in 256 KiB ...]\n"

/* The chat payload ({"version":"1.0","source":"custom","content":{...},"metadata":{...}}) of
 * n as compact JSON into out (reset first), at most SW_WIRE_CHAT_MAX bytes. */
int sw_wire_chat(const struct sw_notification *n, struct sw_buf *out, struct sw_error *err);

/* Fills wire (initialised by the caller) with n's subject and attributes and, as message,
 * the MessageStructure=json object {"default","email","sqs","lambda","http","https"}, the
 * text cut with SW_WIRE_TEXT_CUT_MARKER when the whole would exceed 256 KiB. Returns 0,
 * SW_ENOMEM or SW_ELIMIT with err set. */
int sw_wire_build(const struct sw_notification *n, enum sw_chat_format chat,
                  struct sw_notification *wire, struct sw_error *err);

#endif
