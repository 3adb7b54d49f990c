/* plugin/http: the bodies of replies, apart from libmicrohttpd, so that
 * the unit tests that replace plugin/http can make the same. */

#include <config.h>

#include "plugin/http.h"

#include <stdlib.h>

#include "openvswitch/json.h"
#include "util.h"

char *
http_error_json(const char *format, va_list args)
{
    char *msg = xvasprintf(format, args);
    struct json *o = json_object_create();
    json_object_put_string(o, "Err", msg);
    char *s = json_to_string(o, 0);
    json_destroy(o);
    free(msg);
    return s;
}

void
http_request_reply_json(struct http_request *req, unsigned int status,
                        struct json *body)
{
    char *s = json_to_string(body, 0);
    http_request_reply(req, status, s);
    free(s);
    json_destroy(body);
}
