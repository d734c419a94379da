/* Crash safety: a child process writes through the store with many concurrent writers (group
 * commit, compaction running) and reports each write on a pipe only once storage_after_commit
 * said it is durable; the parent kills it with SIGKILL at a random moment, reopens the store
 * and checks that every acknowledged write is there and the revisions are consistent. The
 * rounds share one data dir, so each round also recovers what earlier kills left behind. */
#include <check.h>
#include <errno.h>
#include <event2/event.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "generic/storage/storage.h"

#define ROUNDS  30
#define WRITERS 16

struct ack {
    char op; /* C create, U update, D delete, d delete intent (sent before the delete) */
    char key[48];
    long long rev, val;
    size_t seq; /* arrival order */
};

static struct ack *acks;
static size_t nacks, capacks;
static char dir[48];

/* --- the child --- */

struct writer {
    struct storage *st;
    struct event_base *base;
    int fd, id, round, n;
    long long ctr;
    char line[128];
};

static void emit(int fd, const char *line)
{
    size_t len = strlen(line);

    if (write(fd, line, len) != (ssize_t)len)
        _exit(3);
}

static void next_write(evutil_socket_t fd, short what, void *arg);

static void acked(void *arg, int ok)
{
    struct writer *w = arg;
    static const struct timeval now = {0, 0};

    if (!ok)
        _exit(4); /* no failures are expected here */
    emit(w->fd, w->line);
    event_base_once(w->base, -1, EV_TIMEOUT, next_write, w, &now);
}

static int set_ctr(void *arg, const struct storage_obj *cur, char **value, size_t *len,
                   struct apierr *err)
{
    struct writer *w = arg;

    (void)cur, (void)err;
    *len = (size_t)asprintf(value, "{\"metadata\":{\"name\":\"c\"},\"v\":%lld}", ++w->ctr);
    return 0;
}

static void next_write(evutil_socket_t fd, short what, void *arg)
{
    struct writer *w = arg;
    struct storage_obj o = {0};
    struct apierr err = {0};
    char key[48], val[256];
    int op = rand() % 4;

    (void)fd, (void)what;
    if (op < 2 || w->n < 2) {
        snprintf(key, sizeof(key), "/registry/c/r%d/w%d-%d", w->round, w->id, w->n++);
        snprintf(val, sizeof(val), "{\"metadata\":{\"name\":\"%s\"},\"pad\":\"%0100d\"}", key, 0);
        if (storage_create(w->st, key, val, strlen(val), &o, &err) < 0)
            _exit(5);
        snprintf(w->line, sizeof(w->line), "C %s %lld 0\n", key, (long long)o.rev);
    } else if (op == 2) {
        snprintf(key, sizeof(key), "/registry/ctr/r%d/w%d", w->round, w->id);
        if (storage_update(w->st, key, NULL, STORAGE_UPDATE_CREATE, set_ctr, w, &o, &err) < 0)
            _exit(6);
        snprintf(w->line, sizeof(w->line), "U %s %lld %lld\n", key, (long long)o.rev, w->ctr);
    } else {
        snprintf(key, sizeof(key), "/registry/c/r%d/w%d-%d", w->round, w->id, rand() % w->n);
        snprintf(w->line, sizeof(w->line), "d %s 0 0\n", key);
        emit(w->fd, w->line);
        if (storage_delete(w->st, key, NULL, NULL, &o.rev, &err) < 0 &&
            err.reason != APIERR_NOT_FOUND)
            _exit(7);
        snprintf(w->line, sizeof(w->line), "D %s %lld 0\n", key, (long long)o.rev);
        if (err.reason == APIERR_NOT_FOUND)
            w->line[0] = 'N';
    }
    storage_obj_release(&o);
    storage_after_commit(w->st, acked, w);
}

static void child(int fd, int round)
{
    struct storage_config cfg = {
        .data_dir = dir, .compaction_interval_ms = 20, .compaction_retain_ms = 40};
    struct event_base *base = event_base_new();
    static const struct timeval now = {0, 0};
    struct writer w[WRITERS];
    struct apierr err = {0};
    struct storage *st = storage_open(base, &cfg, &err);
    int i;

    if (!st)
        _exit(2);
    srand((unsigned)getpid());
    for (i = 0; i < WRITERS; i++) {
        w[i] = (struct writer){st, base, fd, i, round, 0, 0, ""};
        event_base_once(base, -1, EV_TIMEOUT, next_write, &w[i], &now);
    }
    event_base_dispatch(base);
    _exit(0);
}

/* --- the parent --- */

static void parse(char *buf, size_t n)
{
    char *line = buf, *nl;

    buf[n] = '\0';
    while ((nl = strchr(line, '\n'))) {
        struct ack a = {0};

        *nl = '\0';
        if (nacks == capacks) {
            capacks = capacks ? capacks * 2 : 1024;
            acks = realloc(acks, capacks * sizeof(*acks));
        }
        ck_assert_int_eq(sscanf(line, "%c %47s %lld %lld", &a.op, a.key, &a.rev, &a.val), 4);
        a.seq = nacks;
        if (a.op != 'N')
            acks[nacks++] = a;
        line = nl + 1;
    }
    memmove(buf, line, strlen(line) + 1);
}

/* Runs one child for a random time and collects its acknowledgements. */
static void run_child(int round)
{
    static char buf[1 << 16];
    size_t have = 0;
    int fds[2], status;
    struct timespec t0, t;
    long ms, limit = 30 + rand() % 220;
    pid_t pid;

    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], round);
    }
    close(fds[1]);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct pollfd p = {fds[0], POLLIN, 0};
        ssize_t n;

        clock_gettime(CLOCK_MONOTONIC, &t);
        ms = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
        if (ms >= limit && pid > 0) {
            kill(pid, SIGKILL);
            ck_assert_int_eq(waitpid(pid, &status, 0), pid);
            ck_assert_msg(WIFSIGNALED(status), "child exited early: %d", WEXITSTATUS(status));
            pid = 0;
        }
        if (poll(&p, 1, pid > 0 ? 5 : 0) <= 0) {
            if (pid > 0)
                continue;
        }
        n = read(fds[0], buf + have, sizeof(buf) - 1 - have);
        if (n <= 0 && pid == 0)
            break;
        if (n > 0) {
            have += (size_t)n;
            parse(buf, have);
            have = strlen(buf);
        }
    }
    close(fds[0]);
}

static int by_key_then_order(const void *a, const void *b)
{
    const struct ack *x = a, *y = b;
    int c = strcmp(x->key, y->key);

    if (c)
        return c;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static int by_rev(const void *a, const void *b)
{
    const struct ack *x = a, *y = b;

    return (x->rev > y->rev) - (x->rev < y->rev);
}

static void check_revisions(struct storage *st)
{
    struct ack *sorted = malloc(nacks * sizeof(*sorted));
    size_t i, n = 0;

    for (i = 0; i < nacks; i++) {
        if (acks[i].op != 'd')
            sorted[n++] = acks[i];
    }
    qsort(sorted, n, sizeof(*sorted), by_rev);
    for (i = 1; i < n; i++)
        ck_assert_int_lt(sorted[i - 1].rev, sorted[i].rev); /* one revision, one write */
    if (n)
        ck_assert_int_ge(storage_rev(st), sorted[n - 1].rev);
    free(sorted);
}

/* The last acknowledgement of each key decides what must be found. */
static void check_key(struct storage *st, const struct ack *last, int delete_pending)
{
    struct storage_obj o = {0};
    struct apierr err = {0};
    int found = storage_get(st, last->key, NULL, &o, &err) == 0;

    if (last->op == 'D') {
        ck_assert_msg(!found, "%s: acknowledged delete at %lld undone", last->key, last->rev);
    } else if (last->op == 'C' && !delete_pending) {
        ck_assert_msg(found, "%s: acknowledged create at %lld lost", last->key, last->rev);
        ck_assert_int_eq(o.create_rev, last->rev);
    } else if (last->op == 'U') {
        ck_assert_msg(found, "%s: acknowledged update lost", last->key);
        ck_assert_int_ge(o.rev, last->rev);
        ck_assert_int_ge(atoll(strstr(o.value, "\"v\":") + 4), last->val);
    }
    storage_obj_release(&o);
}

static void verify(void)
{
    struct event_base *base = event_base_new();
    struct storage_config cfg = {.data_dir = dir, .compaction_interval_ms = -1};
    struct apierr err = {0};
    struct storage *st = storage_open(base, &cfg, &err);
    struct ack *sorted = malloc(nacks * sizeof(*sorted) + 1);
    size_t i, j;
    int64_t rev;

    ck_assert_msg(st != NULL, "reopen: %s", err.message);
    check_revisions(st);
    memcpy(sorted, acks, nacks * sizeof(*sorted));
    qsort(sorted, nacks, sizeof(*sorted), by_key_then_order);
    for (i = 0; i < nacks; i = j) {
        const struct ack *last = NULL;
        int pending = 0;

        for (j = i; j < nacks && strcmp(sorted[j].key, sorted[i].key) == 0; j++) {
            if (sorted[j].op == 'd')
                pending = 1;
            else
                last = &sorted[j], pending = 0;
        }
        if (last)
            check_key(st, last, pending);
    }
    rev = storage_rev(st);
    ck_assert_int_eq(storage_create(st, "/registry/after/x", "{}", 2, NULL, &err), 0);
    ck_assert_int_eq(storage_flush(st, &err), 0);
    ck_assert_int_eq(storage_rev(st), rev + 1); /* no revision is handed out twice */
    ck_assert_int_eq(storage_delete(st, "/registry/after/x", NULL, NULL, NULL, &err), 0);
    storage_free(st);
    event_base_free(base);
    free(sorted);
}

START_TEST(kill_and_recover)
{
    char cmd[96];
    int round;

    snprintf(dir, sizeof(dir), "/tmp/test_storage_crash.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    srand(1234);
    for (round = 0; round < ROUNDS; round++) {
        size_t before = nacks;

        run_child(round);
        verify();
        ck_assert_msg(nacks > before || round > 0, "round %d acknowledged nothing", round);
    }
    fprintf(stderr, "crash test: %d kills, %zu acknowledged writes verified\n", ROUNDS, nacks);
    free(acks);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("storage_crash");
    TCase *tc = tcase_create("crash");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, kill_and_recover);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
