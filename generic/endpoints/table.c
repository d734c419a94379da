#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "generic/apis/meta.h"
#include "generic/endpoints/table.h"
#include "generic/http/req.h"

static const struct table_column default_columns[] = {
    {"Name", "string", "name", "Name must be unique within a namespace.", 0},
    {"Age", "string", "",
     "CreationTimestamp is a timestamp representing the server time when this object was "
     "created.",
     0},
    {0},
};

enum table_include table_include_param(struct req *req)
{
    const char *v = req_query_param(req, "includeObject");

    if (v && strcmp(v, "None") == 0)
        return TABLE_INCLUDE_NONE;
    if (v && strcmp(v, "Object") == 0)
        return TABLE_INCLUDE_OBJECT;
    return TABLE_INCLUDE_METADATA;
}

static struct json_object *column_json(const struct table_column *c)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "name", json_object_new_string(c->name));
    json_object_object_add(o, "type", json_object_new_string(c->type));
    json_object_object_add(o, "format", json_object_new_string(c->format ? c->format : ""));
    json_object_object_add(o, "description",
                           json_object_new_string(c->description ? c->description : ""));
    json_object_object_add(o, "priority", json_object_new_int(c->priority));
    return o;
}

struct json_object *table_new(const struct resource *r, bool no_headers)
{
    struct json_object *t = json_object_new_object(), *cols;
    const struct table_column *c = r->columns ? r->columns : default_columns;

    json_object_object_add(t, "kind", json_object_new_string("Table"));
    json_object_object_add(t, "apiVersion", json_object_new_string("meta.k8s.io/v1"));
    json_object_object_add(t, "metadata", json_object_new_object());
    if (!no_headers) {
        cols = json_object_new_array();
        for (; c->name; c++)
            json_object_array_add(cols, column_json(c));
        json_object_object_add(t, "columnDefinitions", cols);
    }
    json_object_object_add(t, "rows", json_object_new_array());
    return t;
}

void table_age(struct json_object *obj, char *out, size_t n)
{
    int64_t created = meta_parse_time(meta_str(obj, "creationTimestamp"));

    if (created < 0) {
        snprintf(out, n, "<unknown>");
        return;
    }
    meta_human_duration((int64_t)time(NULL) - created, out, n);
}

struct json_object *table_cells(const struct resource *r, struct json_object *obj)
{
    struct json_object *cells = json_object_new_array();
    const char *name = meta_str(obj, "name");
    char age[32];

    if (r->strategy && r->strategy->table_row && r->columns) {
        r->strategy->table_row(obj, cells);
        return cells;
    }
    table_age(obj, age, sizeof(age));
    json_object_array_add(cells, json_object_new_string(name ? name : ""));
    json_object_array_add(cells, json_object_new_string(age));
    return cells;
}

static struct json_object *partial_metadata(struct json_object *obj)
{
    struct json_object *p = json_object_new_object(), *meta = meta_get(obj);

    json_object_object_add(p, "kind", json_object_new_string("PartialObjectMetadata"));
    json_object_object_add(p, "apiVersion", json_object_new_string("meta.k8s.io/v1"));
    json_object_object_add(p, "metadata",
                           meta ? json_object_get(meta) : json_object_new_object());
    return p;
}

struct json_object *table_row(const struct resource *r, struct json_object *obj,
                              enum table_include inc)
{
    struct json_object *row = json_object_new_object();

    json_object_object_add(row, "cells", table_cells(r, obj));
    if (inc == TABLE_INCLUDE_METADATA)
        json_object_object_add(row, "object", partial_metadata(obj));
    else if (inc == TABLE_INCLUDE_OBJECT)
        json_object_object_add(row, "object", json_object_get(obj));
    return row;
}

void table_add_row(struct json_object *table, const struct resource *r, struct json_object *obj,
                   enum table_include inc)
{
    struct json_object *rows = NULL;

    json_object_object_get_ex(table, "rows", &rows);
    json_object_array_add(rows, table_row(r, obj, inc));
}

void table_cell_str(struct json_object *cells, const char *s)
{
    json_object_array_add(cells, json_object_new_string(s ? s : "<none>"));
}

void table_cell_int(struct json_object *cells, int64_t v)
{
    json_object_array_add(cells, json_object_new_int64(v));
}

void table_cell_age(struct json_object *cells, struct json_object *obj)
{
    char age[32];

    table_age(obj, age, sizeof(age));
    json_object_array_add(cells, json_object_new_string(age));
}
