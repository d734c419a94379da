/* SQLite backend specifics: refusing unusable data dirs, persistence across reopen, a failed
 * group commit, compaction on disk, the WAL bound. The interface-level behaviour is in the
 * conformance suite (test_storage.c). */
#include <check.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "generic/storage/sqlite_internal.h"

static char dir[48];
static struct event_base *base;

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/test_storage_sqlite.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    base = event_base_new();
}

static void teardown(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
    ck_assert_int_eq(system(cmd), 0);
    event_base_free(base);
}

static struct storage *open_at(const char *d, long interval_ms, struct apierr *err)
{
    struct storage_config cfg = {.data_dir = d, .compaction_interval_ms = interval_ms};

    return storage_open(base, &cfg, err);
}

static struct storage *open_ok(void)
{
    struct apierr err = {0};
    struct storage *st = open_at(dir, -1, &err);

    ck_assert_msg(st != NULL, "open: %s", err.message);
    return st;
}

static int64_t put(struct storage *st, const char *key, const char *data)
{
    struct storage_obj o = {0};
    struct apierr err = {0};
    char val[512];
    int64_t rev;

    snprintf(val, sizeof(val), "{\"metadata\":{\"name\":\"x\"},\"data\":\"%s\"}", data);
    ck_assert_msg(storage_create(st, key, val, strlen(val), &o, &err) == 0, "%s", err.message);
    rev = o.rev;
    storage_obj_release(&o);
    return rev;
}

static void flush(struct storage *st)
{
    struct apierr err = {0};

    ck_assert_int_eq(storage_flush(st, &err), 0);
}

static void write_file(const char *name, const void *data, size_t n)
{
    char path[128];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, n, f), n);
    fclose(f);
}

static void mk_garbage(void)
{
    char junk[8192];
    size_t i;

    for (i = 0; i < sizeof(junk); i++)
        junk[i] = (char)(i * 7919 % 251);
    write_file("kube.db", junk, sizeof(junk));
}

static void mk_foreign(void)
{
    char path[128];
    sqlite3 *db;

    snprintf(path, sizeof(path), "%s/kube.db", dir);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)", 0, 0, 0), 0);
    sqlite3_close(db);
}

static void mk_file_as_dir(void)
{
    write_file("notadir", "x", 1);
}

static const struct {
    void (*prepare)(void);
    const char *subdir; /* data dir below dir; "" for dir itself */
    const char *want;   /* in the message */
} open_cases[] = {
    {NULL, "/missing", "No such file or directory"},
    {mk_file_as_dir, "/notadir", "is not a directory"},
    {mk_garbage, "", "corrupt or not a database"},
    {mk_foreign, "", "not a kube-apiserver store"},
};

START_TEST(open_refuses)
{
    char d[128], before[8192], after[8192], path[160];
    struct apierr err = {0};
    int fd;
    ssize_t n1 = 0, n2 = 0;

    if (open_cases[_i].prepare)
        open_cases[_i].prepare();
    snprintf(d, sizeof(d), "%s%s", dir, open_cases[_i].subdir);
    snprintf(path, sizeof(path), "%s/kube.db", dir);
    fd = open(path, O_RDONLY);
    if (fd >= 0) {
        n1 = read(fd, before, sizeof(before));
        close(fd);
    }
    ck_assert_ptr_null(open_at(d, -1, &err));
    ck_assert_int_eq(err.reason, APIERR_UNAVAILABLE);
    ck_assert_msg(strstr(err.message, open_cases[_i].want), "message: %s", err.message);
    fd = open(path, O_RDONLY);
    if (fd >= 0) {
        n2 = read(fd, after, sizeof(after));
        close(fd);
    }
    ck_assert_int_eq(n1, n2); /* the old file is left as it was */
    ck_assert(memcmp(before, after, (size_t)n1) == 0);
}
END_TEST

START_TEST(open_refuses_locked)
{
    struct apierr err = {0};
    struct storage *a = open_ok();

    ck_assert_ptr_null(open_at(dir, -1, &err));
    ck_assert_msg(strstr(err.message, "in use by another kube-apiserver"), "%s", err.message);
    storage_free(a);
    a = open_ok(); /* the lock goes with its holder */
    storage_free(a);
}
END_TEST

/* Root ignores file modes, so the read-only open runs in a child as nobody. */
START_TEST(open_refuses_read_only)
{
    char path[128];
    struct apierr err = {0};
    struct storage *st = open_ok();
    pid_t pid;
    int status;

    put(st, "/registry/a/b", "1");
    storage_free(st);
    snprintf(path, sizeof(path), "%s/kube.db", dir);
    ck_assert_int_eq(chmod(path, 0444), 0);
    snprintf(path, sizeof(path), "%s/kube.db.lock", dir);
    ck_assert_int_eq(chmod(path, 0666), 0);
    ck_assert_int_eq(chmod(dir, 0755), 0);
    pid = fork();
    if (pid == 0) {
        if (getuid() == 0 && setuid(65534) != 0)
            _exit(2);
        st = open_at(dir, -1, &err);
        _exit(st == NULL && strstr(err.message, "read-only") ? 0 : 1);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

START_TEST(reopen_persists)
{
    struct storage *st = open_ok();
    struct storage_obj o = {0};
    struct apierr err = {0};
    int64_t last = 0, r;
    char key[64];
    int i;

    for (i = 0; i < 100; i++) {
        snprintf(key, sizeof(key), "/registry/cm/ns/o%03d", i);
        last = put(st, key, "v");
    }
    flush(st);
    ck_assert_int_eq(storage_delete(st, "/registry/cm/ns/o099", NULL, NULL, &r, &err), 0);
    storage_free(st); /* commits the open batch */
    st = open_ok();
    ck_assert_int_eq(storage_rev(st), last + 1);
    ck_assert_int_eq(storage_get(st, "/registry/cm/ns/o042", NULL, &o, &err), 0);
    storage_obj_release(&o);
    ck_assert_int_eq(storage_get(st, "/registry/cm/ns/o099", NULL, &o, &err), -1);
    ck_assert_int_eq(put(st, "/registry/cm/ns/new", "v"), last + 2);
    storage_free(st);
}
END_TEST

static void record_ok(void *arg, int ok)
{
    *(int *)arg = ok ? 1 : 0;
}

START_TEST(failed_commit_fails_the_batch)
{
    struct storage *st = open_ok();
    struct sqlite_store *s = (struct sqlite_store *)st;
    struct apierr err = {0};
    char *big = malloc(200000);
    int64_t rev0 = storage_rev(st), r;
    int ok_a = -1;

    put(st, "/registry/a/ns/a", "1");
    storage_after_commit(st, record_ok, &ok_a);
    memset(big, 'x', 200000);
    memcpy(big, "{\"a\":\"", 6);
    memcpy(big + 200000 - 3, "\"}", 3);
    ck_assert_int_eq(sqlite3_exec(s->wdb, "PRAGMA max_page_count=1", 0, 0, 0), SQLITE_OK);
    ck_assert_int_eq(storage_create(st, "/registry/a/ns/big", big, strlen(big), NULL, &err), -1);
    ck_assert_int_eq(err.reason, APIERR_UNAVAILABLE);
    storage_flush(st, &err);
    ck_assert_int_eq(ok_a, 0); /* the whole batch failed, a included */
    ck_assert_int_eq(storage_rev(st), rev0);
    ck_assert_int_eq(storage_get(st, "/registry/a/ns/a", NULL, NULL, &err), -1);
    ck_assert_int_eq(err.reason, APIERR_NOT_FOUND);
    ck_assert_int_eq(storage_health(st, &err), -1);
    ck_assert_int_eq(sqlite3_exec(s->wdb, "PRAGMA max_page_count=1000000", 0, 0, 0), SQLITE_OK);
    r = put(st, "/registry/a/ns/a", "2");
    ck_assert_int_eq(r, rev0 + 1); /* the failed batch's revisions are handed out again */
    flush(st);
    ck_assert_int_eq(storage_health(st, &err), 0);
    free(big);
    storage_free(st);
}
END_TEST

static int64_t count_rows(const char *where)
{
    char path[128], sql[256];
    sqlite3 *db;
    sqlite3_stmt *q;
    int64_t n;

    snprintf(path, sizeof(path), "%s/kube.db", dir);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM log WHERE %s", where);
    ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
    n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return n;
}

static int upd_fn(void *arg, const struct storage_obj *cur, char **value, size_t *len,
                  struct apierr *err)
{
    (void)cur, (void)err;
    *len = (size_t)asprintf(value, "{\"metadata\":{},\"n\":%d}", (*(int *)arg)++);
    return 0;
}

START_TEST(compaction_on_disk)
{
    struct storage *st = open_ok();
    struct sqlite_store *s = (struct sqlite_store *)st;
    struct apierr err = {0};
    int64_t target;
    int i, n = 0;

    for (i = 0; i < 20000; i++) {
        ck_assert_int_eq(storage_update(st, "/registry/hot/ns/h", NULL, STORAGE_UPDATE_CREATE,
                                        upd_fn, &n, NULL, &err),
                         0);
        if (i % 1000 == 0)
            flush(st);
    }
    put(st, "/registry/gone/ns/g", "1");
    flush(st);
    ck_assert_int_eq(storage_delete(st, "/registry/gone/ns/g", NULL, NULL, NULL, &err), 0);
    for (i = 0; i < 10; i++)
        ck_assert_int_eq(storage_update(st, "/registry/hot/ns/h", NULL, 0, upd_fn, &n, NULL, &err),
                         0);
    flush(st);
    target = storage_rev(st) - 5;
    ck_assert_int_eq(storage_compact(st, target, &err), 0);
    for (i = 0; i < 1000 && s->compact_cursor < target; i++)
        event_base_loop(base, EVLOOP_ONCE);
    ck_assert_int_eq(s->compact_cursor, target);
    ck_assert_int_eq(count_rows("rev <= (SELECT max(rev) FROM log) - 5"), 1);
    ck_assert_int_eq(count_rows("key = '/registry/gone/ns/g'"), 0);
    ck_assert_int_eq(count_rows("1"), 6);
    ck_assert_msg(s->compact_max_step_us < 10000, "a compaction step took %lld us",
                  s->compact_max_step_us);
    storage_free(st);
    st = open_ok();
    ck_assert_int_eq(storage_compacted_rev(st), target);
    ck_assert_int_eq(storage_rev(st), target + 5);
    storage_free(st);
}
END_TEST

static void stop_loop(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    event_base_loopbreak(arg);
}

START_TEST(compaction_timer)
{
    struct apierr err = {0};
    struct storage_config cfg = {
        .data_dir = dir, .compaction_interval_ms = 50, .compaction_retain_ms = 120};
    struct storage *st = storage_open(base, &cfg, &err);
    struct timeval t = {0, 400000};
    int64_t first;

    ck_assert_ptr_nonnull(st);
    first = put(st, "/registry/a/ns/a", "1");
    flush(st);
    event_base_once(base, -1, EV_TIMEOUT, stop_loop, base, &t);
    event_base_dispatch(base);
    ck_assert_int_ge(storage_compacted_rev(st), first); /* retained 120 ms, not forever */
    ck_assert_int_le(storage_compacted_rev(st), storage_rev(st));
    storage_free(st);
}
END_TEST

static int big_fn(void *arg, const struct storage_obj *cur, char **value, size_t *len,
                  struct apierr *err)
{
    size_t n = 64 * 1024;

    (void)cur, (void)err;
    *value = malloc(n + 1);
    memset(*value, 'x', n);
    *len = (size_t)snprintf(*value, n, "{\"metadata\":{},\"n\":%d,\"pad\":\"", (*(int *)arg)++);
    (*value)[*len] = 'x';
    memcpy(*value + n - 2, "\"}", 3);
    *len = n;
    return 0;
}

START_TEST(wal_stays_bounded)
{
    struct storage *st = open_ok();
    char path[128], key[64];
    struct apierr err = {0};
    struct stat sb;
    int i, n = 0;

    for (i = 0; i < 1600; i++) { /* 100 MiB of values */
        snprintf(key, sizeof(key), "/registry/w/ns/o%d", i % 50);
        ck_assert_int_eq(
            storage_update(st, key, NULL, STORAGE_UPDATE_CREATE, big_fn, &n, NULL, &err), 0);
        if (i % 16 == 0) {
            flush(st);
            usleep(2000);
        }
    }
    flush(st);
    snprintf(path, sizeof(path), "%s/kube.db-wal", dir);
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_msg(sb.st_size <= 48 << 20, "WAL is %lld bytes", (long long)sb.st_size);
    storage_free(st);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("storage_sqlite");
    TCase *tc = tcase_create("sqlite");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, open_refuses, 0, sizeof(open_cases) / sizeof(open_cases[0]));
    tcase_add_test(tc, open_refuses_locked);
    tcase_add_test(tc, open_refuses_read_only);
    tcase_add_test(tc, reopen_persists);
    tcase_add_test(tc, failed_commit_fails_the_batch);
    tcase_add_test(tc, compaction_on_disk);
    tcase_add_test(tc, compaction_timer);
    tcase_add_test(tc, wal_stays_bounded);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
