/* plugin/json-get: members of Docker's JSON bodies. */

#include <config.h>

#include "plugin/json-get.h"

#include <stddef.h>

#include "openvswitch/json.h"
#include "openvswitch/shash.h"

const struct json *
json_get(const struct json *obj, const char *key)
{
    return (obj && obj->type == JSON_OBJECT
            ? shash_find_data(json_object(obj), key) : NULL);
}
