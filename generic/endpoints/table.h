/* meta.k8s.io/v1 Table output (server-side printing for kubectl get). */
#ifndef GENERIC_ENDPOINTS_TABLE_H
#define GENERIC_ENDPOINTS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "generic/registry/resource.h"

struct json_object;
struct req;

enum table_include { TABLE_INCLUDE_NONE, TABLE_INCLUDE_METADATA, TABLE_INCLUDE_OBJECT };

/* ?includeObject= of the request: None, Object, or Metadata (the default). */
enum table_include table_include_param(struct req *req);

/* A new Table (caller owns) with the resource's column definitions unless no_headers. */
struct json_object *table_new(const struct resource *r, bool no_headers);
/* The row of obj (borrowed): its cells and, per inc, its object. The caller owns it. */
struct json_object *table_row(const struct resource *r, struct json_object *obj,
                              enum table_include inc);
/* Appends the row of obj (borrowed) to table. */
void table_add_row(struct json_object *table, const struct resource *r, struct json_object *obj,
                   enum table_include inc);
/* The cells of obj's row: the strategy's, or NAME and AGE. The caller owns the array. */
struct json_object *table_cells(const struct resource *r, struct json_object *obj);

/* Helpers for strategies' table_row. table_age writes kube's Age of obj ("5s", "3d");
 * the cell helpers append one cell: a string (NULL becomes "<none>"), an integer, or the Age. */
void table_age(struct json_object *obj, char *out, size_t n);
void table_cell_str(struct json_object *cells, const char *s);
void table_cell_int(struct json_object *cells, int64_t v);
void table_cell_age(struct json_object *cells, struct json_object *obj);

#endif
