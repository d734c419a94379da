#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/apis/xalloc.h"
#include "generic/http/req.h"

static struct req *req_alloc(void)
{
    struct arena *a = arena_new();
    struct req *req = arena_alloc(a, sizeof(*req));

    req->arena = a;
    req->remote = "";
    clock_gettime(CLOCK_MONOTONIC, &req->start);
    return req;
}

/* Splits uri into the decoded path and the raw query; -1 on a URI we will not serve (NUL
 * bytes hidden behind %00 would let two names compare equal). */
static int set_uri(struct req *req, const char *uri)
{
    const char *q = strchr(uri, '?');
    size_t plen = q ? (size_t)(q - uri) : strlen(uri);
    char *raw = arena_strndup(req->arena, uri, plen);
    size_t dlen = 0;
    char *dec = evhttp_uridecode(raw, 0, &dlen);

    if (!dec)
        return -1;
    if (strlen(dec) != dlen || dlen == 0 || dec[0] != '/') {
        free(dec);
        return -1;
    }
    req->uri = arena_strdup(req->arena, uri);
    req->path = arena_strdup(req->arena, dec);
    free(dec);
    if (q) {
        const char *frag = strchr(q + 1, '#');

        req->query = frag ? arena_strndup(req->arena, q + 1, (size_t)(frag - q - 1))
                          : arena_strdup(req->arena, q + 1);
    }
    return 0;
}

static void set_body(struct req *req, const void *body, size_t len)
{
    char *b = arena_alloc(req->arena, len + 1);

    if (len)
        memcpy(b, body, len);
    req->body = b;
    req->body_len = len;
}

static void free_headers(void *kv)
{
    evhttp_clear_headers(kv);
    free(kv);
}

static void free_evbuffer(void *buf)
{
    evbuffer_free(buf);
}

struct req *req_new_mem(const char *method, const char *uri, const char *body, size_t len)
{
    struct req *req = req_alloc();

    req->method = arena_strdup(req->arena, method);
    if (set_uri(req, uri) < 0) {
        req_free(req);
        return NULL;
    }
    set_body(req, body, body ? len : 0);
    req->in_hdr = xcalloc(1, sizeof(struct evkeyvalq));
    req->out_hdr = xcalloc(1, sizeof(struct evkeyvalq));
    TAILQ_INIT(req->in_hdr);
    TAILQ_INIT(req->out_hdr);
    arena_defer(req->arena, free_headers, req->in_hdr);
    arena_defer(req->arena, free_headers, req->out_hdr);
    req->out = evbuffer_new();
    arena_defer(req->arena, free_evbuffer, req->out);
    return req;
}

void req_set_in_header(struct req *req, const char *name, const char *value)
{
    evhttp_remove_header(req->in_hdr, name);
    evhttp_add_header(req->in_hdr, name, value);
}

const char *req_out_body(struct req *req, size_t *len)
{
    size_t n = evbuffer_get_length(req->out);
    char *p = arena_alloc(req->arena, n + 1);

    evbuffer_copyout(req->out, p, n);
    if (len)
        *len = n;
    return p;
}

void req_free(struct req *req)
{
    if (!req)
        return;
    arena_free(req->arena);
}

static const char *method_name(enum evhttp_cmd_type cmd)
{
    switch (cmd) {
    case EVHTTP_REQ_GET: return "GET";
    case EVHTTP_REQ_POST: return "POST";
    case EVHTTP_REQ_HEAD: return "HEAD";
    case EVHTTP_REQ_PUT: return "PUT";
    case EVHTTP_REQ_DELETE: return "DELETE";
    case EVHTTP_REQ_OPTIONS: return "OPTIONS";
    case EVHTTP_REQ_TRACE: return "TRACE";
    case EVHTTP_REQ_CONNECT: return "CONNECT";
    case EVHTTP_REQ_PATCH: return "PATCH";
    }
    return "GET";
}

/* The client went away before the reply was complete: evhttp frees its request right after
 * this, so forget it, tell the stream's owner, and finish. */
static void conn_closed(struct evhttp_connection *conn, void *arg)
{
    struct req *req = arg;

    (void)conn;
    /* On EOF evhttp detaches a request still being answered from its connection and leaves
     * it to us (it would free it when the reply ends); it frees those still attached. */
    if (req->ev && !evhttp_request_get_connection(req->ev))
        evhttp_request_free(req->ev);
    req->ev = NULL;
    req->gone = true;
    if (req->on_gone)
        req->on_gone(req, req->on_gone_arg);
    req->done = true;
    req_check_finish(req);
}

/* Once the reply is handed to evhttp the connection may close at any time; the request must no
 * longer hear of it. */
static void forget_conn(struct req *req)
{
    struct evhttp_connection *conn = req->ev ? evhttp_request_get_connection(req->ev) : NULL;

    if (conn)
        evhttp_connection_set_closecb(conn, NULL, NULL);
}

struct req *req_new_ev(struct evhttp_request *ev)
{
    struct req *req = req_alloc();
    struct evbuffer *in = evhttp_request_get_input_buffer(ev);
    size_t len = evbuffer_get_length(in);
    struct evhttp_connection *conn = evhttp_request_get_connection(ev);
    char *host = NULL;
    ev_uint16_t port = 0;

    req->ev = ev;
    req->method = method_name(evhttp_request_get_command(ev));
    if (set_uri(req, evhttp_request_get_uri(ev)) < 0) {
        req_free(req);
        return NULL;
    }
    set_body(req, evbuffer_pullup(in, (ev_ssize_t)len), len);
    req->in_hdr = evhttp_request_get_input_headers(ev);
    req->out_hdr = evhttp_request_get_output_headers(ev);
    if (conn) {
        evhttp_connection_set_closecb(conn, conn_closed, req);
        evhttp_connection_get_peer(conn, &host, &port);
        if (host)
            req->remote = arena_printf(req->arena, "%s:%u", host, (unsigned)port);
    }
    return req;
}

const char *req_header(struct req *req, const char *name)
{
    return evhttp_find_header(req->in_hdr, name);
}

void req_set_header(struct req *req, const char *name, const char *value)
{
    evhttp_remove_header(req->out_hdr, name);
    evhttp_add_header(req->out_hdr, name, value);
}

void req_add_header(struct req *req, const char *name, const char *value)
{
    struct evkeyval *h;

    TAILQ_FOREACH(h, req->out_hdr, next) {
        if (strcasecmp(h->key, name) == 0 && strcmp(h->value, value) == 0)
            return;
    }
    evhttp_add_header(req->out_hdr, name, value);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decodes one query component as Go's url.QueryUnescape does ('+' is a space); a bad escape
 * leaves the text as it is. */
static char *query_unescape(struct arena *a, const char *s, size_t n)
{
    char *out = arena_alloc(a, n + 1), *o = out;
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            *o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    return out;
}

const char *req_query_param(struct req *req, const char *name)
{
    const char *p = req->query;

    while (p && *p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t klen = eq ? (size_t)(eq - p) : len;
        char *key = query_unescape(req->arena, p, klen);

        if (strcmp(key, name) == 0)
            return eq ? query_unescape(req->arena, eq + 1, len - klen - 1) : "";
        p = amp ? amp + 1 : NULL;
    }
    return NULL;
}

void req_check_finish(struct req *req)
{
    if (req->done && req->holds == 0 && req->on_finish)
        req->on_finish(req);
}

void req_hold(struct req *req)
{
    req->holds++;
}

void req_release(struct req *req)
{
    req->holds--;
    req_check_finish(req);
}

void req_reply_buffer(struct req *req, int code, const char *content_type, struct evbuffer *buf)
{
    if (req->replied)
        return;
    req->replied = req->done = true;
    req->code = code;
    if (content_type)
        req_set_header(req, "Content-Type", content_type);
    if (req->ev) {
        forget_conn(req);
        evhttp_send_reply(req->ev, code, NULL, buf);
        req->ev = NULL; /* evhttp frees it once written */
    } else if (req->out) {
        evbuffer_add_buffer(req->out, buf);
    }
    req_check_finish(req);
}

void req_reply(struct req *req, int code, const char *content_type, const void *body, size_t len)
{
    struct evbuffer *buf;

    if (req->replied)
        return;
    buf = evbuffer_new();
    evbuffer_add(buf, body, len);
    req_reply_buffer(req, code, content_type, buf);
    evbuffer_free(buf);
}

bool req_wants_pretty(struct req *req)
{
    const char *pretty = req_query_param(req, "pretty");
    const char *ua = req_header(req, "User-Agent");

    if (pretty)
        return strcmp(pretty, "false") != 0 && strcmp(pretty, "0") != 0;
    if (!ua)
        return false;
    return strstr(ua, "curl") || strstr(ua, "Wget") || strncmp(ua, "Mozilla/", 8) == 0;
}

/* Copies json-c's pretty output, writing empty objects and arrays as {} and [] the way Go's
 * indenting encoder does (json-c puts a line break inside them). */
static size_t tidy_pretty(char *out, const char *s, size_t len)
{
    size_t i = 0, o = 0, j;

    while (i < len) {
        out[o++] = s[i];
        if ((s[i] == '{' || s[i] == '[') && i + 1 < len && s[i + 1] == '\n') {
            for (j = i + 2; j < len && s[j] == ' '; j++)
                ;
            if (j < len && s[j] == (s[i] == '{' ? '}' : ']')) {
                out[o++] = s[j];
                i = j;
            }
        }
        i++;
    }
    return o;
}

void req_reply_json(struct req *req, int code, struct json_object *obj)
{
    bool pretty = req_wants_pretty(req);
    int flags = JSON_C_TO_STRING_NOSLASHESCAPE;
    size_t len;
    const char *s;
    char *body;

    flags |= pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN;
    s = json_object_to_json_string_length(obj, flags, &len);
    body = arena_alloc(req->arena, len + 2);
    if (pretty) {
        len = tidy_pretty(body, s, len);
    } else {
        memcpy(body, s, len);
    }
    body[len] = '\n';
    req_reply(req, code, "application/json", body, len + 1);
}

void req_reply_json_bytes(struct req *req, int code, const char *json, size_t len)
{
    char *body;

    if (req_wants_pretty(req)) {
        struct json_object *obj = obj_parse(json, len); /* json need not end in a NUL */

        if (obj) {
            req_reply_json(req, code, obj);
            json_object_put(obj);
            return;
        }
    }
    body = arena_alloc(req->arena, len + 1);
    memcpy(body, json, len);
    body[len] = '\n';
    req_reply(req, code, "application/json", body, len + 1);
}

void req_fail_err(struct req *req, const struct apierr *err)
{
    struct json_object *st = apierr_to_status(err);

    if (err->retry_after) {
        char buf[16];

        snprintf(buf, sizeof(buf), "%u", err->retry_after);
        req_set_header(req, "Retry-After", buf);
    }
    req_reply_json(req, apierr_code(err->reason), st);
    json_object_put(st);
}

void req_fail(struct req *req, enum apierr_reason reason, const char *fmt, ...)
{
    struct apierr err = {0};
    va_list ap;

    err.reason = reason;
    va_start(ap, fmt);
    vsnprintf(err.message, sizeof(err.message), fmt, ap);
    va_end(ap);
    req_fail_err(req, &err);
}

void req_stream_start(struct req *req, int code, const char *content_type,
                      void (*on_gone)(struct req *req, void *arg), void *arg)
{
    if (req->replied)
        return;
    req->replied = true;
    req->code = code;
    req->on_gone = on_gone;
    req->on_gone_arg = arg;
    if (content_type)
        req_set_header(req, "Content-Type", content_type);
    if (req->ev)
        evhttp_send_reply_start(req->ev, code, NULL);
}

int req_stream_write(struct req *req, const void *data, size_t len)
{
    if (req->gone || req->done)
        return -1;
    if (!req->ev) {
        if (req->out)
            evbuffer_add(req->out, data, len);
        return 0;
    }
    {
        struct evbuffer *buf = evbuffer_new();

        evbuffer_add(buf, data, len);
        evhttp_send_reply_chunk(req->ev, buf);
        evbuffer_free(buf);
    }
    return 0;
}

void req_stream_end(struct req *req)
{
    if (req->done)
        return;
    req->done = true;
    if (req->ev && !req->gone) {
        forget_conn(req);
        evhttp_send_reply_end(req->ev);
    }
    req->ev = NULL;
    req_check_finish(req);
}

size_t req_stream_backlog(struct req *req)
{
    struct evhttp_connection *conn = req->ev ? evhttp_request_get_connection(req->ev) : NULL;
    struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;

    return bev ? evbuffer_get_length(bufferevent_get_output(bev)) : 0;
}

double req_elapsed_ms(const struct req *req)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - req->start.tv_sec) * 1e3 +
           (double)(now.tv_nsec - req->start.tv_nsec) / 1e6;
}
