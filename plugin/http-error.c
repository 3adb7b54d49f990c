/* plugin/http: the bodies of replies and the reading of request bodies,
 * apart from libmicrohttpd, so that the unit tests that replace
 * plugin/http can do the same. */

#include <config.h>

#include "plugin/http.h"

#include <stdlib.h>

#include "openvswitch/json.h"
#include "plugin/json-get.h"
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

const char *
http_request_json_string(struct http_request *req, const struct json *obj,
                         const char *key)
{
    const struct json *v = json_get(obj, key);

    if (!v || v->type == JSON_NULL) {
        return "";
    }
    if (v->type != JSON_STRING) {
        http_request_reply_error(req, 400, "%s: %s must be a string",
                                 http_request_path(req), key);
        return NULL;
    }
    return json_string(v);
}
