// Typed wrappers around libcurl's variadic entry points, so Swift never passes values through C varargs.
// Every symbol carries the `ccurl_` prefix.
#ifndef VIGIL_CCURL_SHIM_H
#define VIGIL_CCURL_SHIM_H

#include <curl/curl.h>
#include <stdint.h>

typedef size_t (*ccurl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*ccurl_xferinfo_callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                                       curl_off_t ulnow);
typedef size_t (*ccurl_read_callback)(char *buffer, size_t size, size_t nitems, void *userdata);

static inline CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_blob(CURL *handle, CURLoption option, void *data, size_t length) {
    struct curl_blob blob;
    blob.data = data;
    blob.len = length;
    blob.flags = CURL_BLOB_COPY;
    return curl_easy_setopt(handle, option, &blob);
}

static inline CURLcode ccurl_easy_setopt_write_callback(CURL *handle, ccurl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}

static inline CURLcode ccurl_easy_setopt_header_callback(CURL *handle, ccurl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}

static inline CURLcode ccurl_easy_setopt_read_callback(CURL *handle, ccurl_read_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
}

static inline CURLcode ccurl_easy_setopt_xferinfo_callback(CURL *handle, ccurl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

static inline CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode ccurl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode ccurl_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode ccurl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode ccurl_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

/// The write callback's "pause this transfer" return value (a macro Swift cannot import).
static inline size_t ccurl_writefunc_pause(void) { return CURL_WRITEFUNC_PAUSE; }

/// The read callback's "pause this transfer" return value.
static inline size_t ccurl_readfunc_pause(void) { return CURL_READFUNC_PAUSE; }

/// `CURLPAUSE_CONT`, as a function because the macro is composite.
static inline int ccurl_pause_cont(void) { return CURLPAUSE_CONT; }

/// `CURL_GLOBAL_DEFAULT`.
static inline long ccurl_global_default(void) { return CURL_GLOBAL_DEFAULT; }

/// `CURLPIPE_MULTIPLEX`, for `CURLMOPT_PIPELINING`.
static inline long ccurl_pipe_multiplex(void) { return CURLPIPE_MULTIPLEX; }

/// `CURLU_DEFAULT_PORT`, for `curl_url_get`.
static inline unsigned int ccurl_url_default_port(void) { return CURLU_DEFAULT_PORT; }

/// Reads the fields of a `CURLMsg` for a finished transfer.
static inline CURLcode ccurl_msg_result(CURLMsg *msg) { return msg->data.result; }

/// The libcurl version string, for example "libcurl/7.88.1 OpenSSL/3.0.15 zlib/1.2.13 nghttp2/1.52.0".
static inline const char *ccurl_version(void) { return curl_version(); }

/// The libcurl version number parts.
static inline unsigned int ccurl_version_num(void) { return curl_version_info(CURLVERSION_NOW)->version_num; }

/// Whether this libcurl was built with HTTP/2 support.
static inline int ccurl_supports_http2(void) {
    return (curl_version_info(CURLVERSION_NOW)->features & CURL_VERSION_HTTP2) != 0;
}

#endif
