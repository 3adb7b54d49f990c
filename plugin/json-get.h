/*
 * plugin/json-get: reading members of the JSON bodies Docker sends.
 *
 * The bodies are libopenvswitch's struct json; what a member may be is the
 * caller's to check.
 */
#ifndef PLUGIN_JSON_GET_H
#define PLUGIN_JSON_GET_H 1

struct json;

/* Returns member 'key' of 'obj', or NULL if 'obj' is NULL, is not an
 * object, or has no such member.  The result belongs to 'obj'. */
const struct json *json_get(const struct json *obj, const char *key);

#endif /* plugin/json-get.h */
