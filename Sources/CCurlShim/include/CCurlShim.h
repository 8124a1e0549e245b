#ifndef MCP_HUB_CCURLSHIM_H
#define MCP_HUB_CCURLSHIM_H

/* curl_easy_setopt and curl_easy_getinfo are C variadic functions, which Swift cannot call.
 * These wrappers give each argument type its own non-variadic entry point; they add nothing
 * else, so reading them is reading curl's documentation. */

#include <curl/curl.h>

CURLcode hub_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode hub_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
CURLcode hub_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode hub_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode hub_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode hub_curl_setopt_curlu(CURL *handle, CURLU *url);

/* Callbacks get one setter each, so the function-pointer type is checked by the compiler. */
CURLcode hub_curl_set_write_function(CURL *handle, curl_write_callback callback, void *context);
CURLcode hub_curl_set_header_function(CURL *handle, curl_write_callback callback, void *context);
CURLcode hub_curl_set_xferinfo_function(CURL *handle, curl_xferinfo_callback callback, void *context);
CURLcode hub_curl_set_opensocket_function(CURL *handle, curl_opensocket_callback callback, void *context);

CURLcode hub_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode hub_curl_getinfo_string(CURL *handle, CURLINFO info, const char **value);

#endif
