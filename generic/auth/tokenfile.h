/* Static bearer tokens from --token-auth-file, kube's CSV format:
 * token,user,uid[,"group1,group2,..."] one per line; '#' lines and blank lines are skipped. */
#ifndef GENERIC_AUTH_TOKENFILE_H
#define GENERIC_AUTH_TOKENFILE_H

#include <stddef.h>

#include "generic/http/req.h"

struct tokenfile;

/* Loads path; on error returns NULL and writes a message (with the line number) into errbuf. */
struct tokenfile *tokenfile_load(const char *path, char *errbuf, size_t n);
/* Parses CSV text held in memory (the same format). */
struct tokenfile *tokenfile_parse(const char *text, char *errbuf, size_t n);
void tokenfile_free(struct tokenfile *tf);

/* Fills *user and returns 0 when token is known; -1 otherwise. */
int tokenfile_lookup(const struct tokenfile *tf, const char *token, struct req_user *user);

#endif
