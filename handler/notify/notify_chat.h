/* sw_chat: the Amazon Q Developer in chat applications custom notification of a notification.
 *
 * {"version":"1.0","source":"custom","content":{title, description, nextSteps, keywords},
 * "metadata":{threadId, summary, eventType, relatedResources, additionalContext}}, as
 * docs/chatbot-notification.schema.json describes, built from the notification's full
 * document (the object notify_wire.c prints for SQS, Lambda and HTTP). notify_wire.c prints it
 * within its ceiling. */
#ifndef SW_NOTIFY_CHAT_H
#define SW_NOTIFY_CHAT_H

#include "handler/core/notification.h"

#define SW_CHAT_DESCRIPTION_MAX 3000 /* bytes of the chat description */

/* The chat payload of n, whose full document is doc; NULL when out of memory. The caller
 * deletes it (cJSON_Delete). */
struct cJSON *sw_chat_payload(const struct sw_notification *n, const struct cJSON *doc);

#endif
