/* generic/server/flags.h (kube-apiserver's flag syntax) and generic/apis/duration.h (Go's
 * time.ParseDuration). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "generic/apis/duration.h"
#include "generic/server/flags.h"

#define N(a)    ((int)(sizeof(a) / sizeof((a)[0])))
#define MAXARGS 6

struct opts {
    const char *name;
    int count, port;
    bool verbose, anonymous;
    double timeout;
};

static struct opts o;

static const struct flag flags[] = {
    {"name", FLAG_STRING, &o.name, "default-name", "a name"},
    {"count", FLAG_INT, &o.count, "3", "how many"},
    {"secure-port", FLAG_PORT, &o.port, "6443", "the port"},
    {"verbose", FLAG_BOOL, &o.verbose, NULL, "say more"},
    {"anonymous-auth", FLAG_BOOL, &o.anonymous, "true", "allow anonymous requests"},
    {"request-timeout", FLAG_DURATION, &o.timeout, "1m0s", "the default request timeout"},
    {NULL, FLAG_STRING, NULL, NULL, NULL},
};

static const struct opts defaults = {"default-name", 3, 6443, false, true, 60};

/* A successful parse leaves the defaults but for `field`, which becomes str (for "name") or num. */
struct parse_case {
    const char *args[MAXARGS];
    int rc;
    const char *err; /* rc == -1: errbuf equals this */
    const char *field;
    const char *str;
    double num;
};

static const struct parse_case parse_cases[] = {
    {{NULL}, 0, NULL, NULL, NULL, 0},
    {{"--name=x"}, 0, NULL, "name", "x", 0},
    {{"--name", "y"}, 0, NULL, "name", "y", 0},
    {{"--name="}, 0, NULL, "name", "", 0},
    {{"--name=a=b"}, 0, NULL, "name", "a=b", 0},
    {{"--name", "--count"}, 0, NULL, "name", "--count", 0}, /* a value may look like a flag */
    {{"--name=a", "--name=b"}, 0, NULL, "name", "b", 0},
    {{"--count=-5"}, 0, NULL, "count", NULL, -5},
    {{"--count", "2147483647"}, 0, NULL, "count", NULL, 2147483647},
    {{"--count=-2147483648"}, 0, NULL, "count", NULL, -2147483648.0},
    {{"--secure-port=0"}, 0, NULL, "port", NULL, 0},
    {{"--secure-port", "65535"}, 0, NULL, "port", NULL, 65535},
    {{"--verbose"}, 0, NULL, "verbose", NULL, 1},
    {{"--verbose=true"}, 0, NULL, "verbose", NULL, 1},
    {{"--verbose=1"}, 0, NULL, "verbose", NULL, 1},
    {{"--verbose=T"}, 0, NULL, "verbose", NULL, 1},
    {{"--verbose", "--verbose=false"}, 0, NULL, "verbose", NULL, 0},
    {{"--anonymous-auth=false"}, 0, NULL, "anonymous", NULL, 0},
    {{"--anonymous-auth=0"}, 0, NULL, "anonymous", NULL, 0},
    {{"--anonymous-auth=FALSE"}, 0, NULL, "anonymous", NULL, 0},
    {{"--anonymous-auth"}, 0, NULL, "anonymous", NULL, 1},
    {{"--request-timeout=500ms"}, 0, NULL, "timeout", NULL, 0.5},
    {{"--request-timeout=2h"}, 0, NULL, "timeout", NULL, 7200},
    {{"--request-timeout", "1m0s"}, 0, NULL, "timeout", NULL, 60},
    {{"--request-timeout=1h30m"}, 0, NULL, "timeout", NULL, 5400},
    {{"--request-timeout=0"}, 0, NULL, "timeout", NULL, 0},
    {{"--request-timeout", "90s"}, 0, NULL, "timeout", NULL, 90},
    /* help */
    {{"--help"}, 1, NULL, NULL, NULL, 0},
    {{"-h"}, 1, NULL, NULL, NULL, 0},
    {{"--name=x", "--help"}, 1, NULL, NULL, NULL, 0},
    {{"--bogus", "--help"}, -1, "unknown flag: --bogus", NULL, NULL, 0},
    /* errors */
    {{"--x"}, -1, "unknown flag: --x", NULL, NULL, 0},
    {{"--x=1"}, -1, "unknown flag: --x", NULL, NULL, 0},
    {{"--names=x"}, -1, "unknown flag: --names", NULL, NULL, 0},
    {{"--nam"}, -1, "unknown flag: --nam", NULL, NULL, 0},
    {{"--name"}, -1, "flag needs an argument: --name", NULL, NULL, 0},
    {{"--request-timeout"}, -1, "flag needs an argument: --request-timeout", NULL, NULL, 0},
    {{"--count"}, -1, "flag needs an argument: --count", NULL, NULL, 0},
    {{"--count=abc"}, -1, "invalid argument \"abc\" for \"--count\" flag", NULL, NULL, 0},
    {{"--count="}, -1, "invalid argument \"\" for \"--count\" flag", NULL, NULL, 0},
    {{"--count=1x"}, -1, "invalid argument \"1x\" for \"--count\" flag", NULL, NULL, 0},
    {{"--count=2147483648"},
     -1,
     "invalid argument \"2147483648\" for \"--count\" flag",
     NULL,
     NULL,
     0},
    {{"--secure-port=65536"},
     -1,
     "invalid argument \"65536\" for \"--secure-port\" flag",
     NULL,
     NULL,
     0},
    {{"--secure-port", "-1"},
     -1,
     "invalid argument \"-1\" for \"--secure-port\" flag",
     NULL,
     NULL,
     0},
    {{"--verbose=yes"}, -1, "invalid argument \"yes\" for \"--verbose\" flag", NULL, NULL, 0},
    {{"--verbose="}, -1, "invalid argument \"\" for \"--verbose\" flag", NULL, NULL, 0},
    {{"--request-timeout=5"},
     -1,
     "invalid argument \"5\" for \"--request-timeout\" flag",
     NULL,
     NULL,
     0},
    {{"--request-timeout=1x"},
     -1,
     "invalid argument \"1x\" for \"--request-timeout\" flag",
     NULL,
     NULL,
     0},
    {{"--request-timeout=-1s"},
     -1,
     "invalid argument \"-1s\" for \"--request-timeout\" flag",
     NULL,
     NULL,
     0},
    /* a bare bool does not take the next argument */
    {{"--verbose", "false"},
     -1,
     "unexpected argument false: this command takes only flags",
     NULL,
     NULL,
     0},
    {{"serve"}, -1, "unexpected argument serve: this command takes only flags", NULL, NULL, 0},
    {{"--name=x", "serve"},
     -1,
     "unexpected argument serve: this command takes only flags",
     NULL,
     NULL,
     0},
    {{"-"}, -1, "unexpected argument -: this command takes only flags", NULL, NULL, 0},
};

static struct opts expected(const struct parse_case *c)
{
    struct opts w = defaults;

    if (!c->field)
        return w;
    if (strcmp(c->field, "name") == 0)
        w.name = c->str;
    else if (strcmp(c->field, "count") == 0)
        w.count = (int)c->num;
    else if (strcmp(c->field, "port") == 0)
        w.port = (int)c->num;
    else if (strcmp(c->field, "verbose") == 0)
        w.verbose = c->num != 0;
    else if (strcmp(c->field, "anonymous") == 0)
        w.anonymous = c->num != 0;
    else
        w.timeout = c->num;
    return w;
}

START_TEST(parse)
{
    const struct parse_case *c = &parse_cases[_i];
    char *argv[MAXARGS + 2] = {"kube-apiserver"};
    char errbuf[128] = "";
    int argc = 1, rc;

    while (argc <= MAXARGS && c->args[argc - 1]) {
        argv[argc] = (char *)c->args[argc - 1];
        argc++;
    }
    memset(&o, 0x5a, sizeof(o)); /* every field must come from a default or the arguments */
    o.name = NULL;
    rc = flag_parse(flags, argc, argv, errbuf, sizeof(errbuf));
    ck_assert_msg(rc == c->rc, "rc %d, want %d (%s)", rc, c->rc, errbuf);
    if (rc == -1) {
        ck_assert_str_eq(errbuf, c->err);
    } else if (rc == 0) {
        struct opts w = expected(c);

        ck_assert_str_eq(o.name, w.name);
        ck_assert_int_eq(o.count, w.count);
        ck_assert_int_eq(o.port, w.port);
        ck_assert_int_eq(o.verbose, w.verbose);
        ck_assert_int_eq(o.anonymous, w.anonymous);
        ck_assert_double_eq_tol(o.timeout, w.timeout, 1e-9);
    }
}
END_TEST

START_TEST(parse_resets_defaults)
{
    char *a1[] = {"x", "--name=first", "--count=9"}, *a2[] = {"x"};
    char errbuf[64];

    ck_assert_int_eq(flag_parse(flags, 3, a1, errbuf, sizeof(errbuf)), 0);
    ck_assert_str_eq(o.name, "first");
    ck_assert_int_eq(flag_parse(flags, 1, a2, errbuf, sizeof(errbuf)), 0);
    ck_assert_str_eq(o.name, "default-name");
    ck_assert_int_eq(o.count, 3);
}
END_TEST

START_TEST(bad_default)
{
    int n;
    const struct flag bad[] = {
        {"count", FLAG_INT, &n, "many", "how many"},
        {NULL, FLAG_STRING, NULL, NULL, NULL},
    };
    char *argv[] = {"x"}, errbuf[64];

    ck_assert_int_eq(flag_parse(bad, 1, argv, errbuf, sizeof(errbuf)), -1);
    ck_assert_str_eq(errbuf, "bad default for --count");
}
END_TEST

/* A NULL default is "" for strings and zero for the rest. */
START_TEST(null_defaults)
{
    const char *s = "junk";
    int n = 7;
    double d = 7;
    bool b = true;
    const struct flag f[] = {
        {"s", FLAG_STRING, &s, NULL, ""},      {"n", FLAG_INT, &n, NULL, ""},
        {"d", FLAG_DURATION, &d, NULL, ""},    {"b", FLAG_BOOL, &b, NULL, ""},
        {NULL, FLAG_STRING, NULL, NULL, NULL},
    };
    char *argv[] = {"x"}, errbuf[64];

    ck_assert_int_eq(flag_parse(f, 1, argv, errbuf, sizeof(errbuf)), 0);
    ck_assert_str_eq(s, "");
    ck_assert_int_eq(n, 0);
    ck_assert_double_eq(d, 0);
    ck_assert(!b);
}
END_TEST

START_TEST(usage)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    flag_usage(flags, f);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "--secure-port int"));
    ck_assert_ptr_nonnull(strstr(text, "the port (default 6443)\n"));
    ck_assert_ptr_nonnull(strstr(text, "--request-timeout duration"));
    ck_assert_ptr_nonnull(strstr(text, "(default 1m0s)"));
    ck_assert_ptr_nonnull(strstr(text, "--name string"));
    ck_assert_ptr_nonnull(strstr(text, "say more\n")); /* no default shown */
    free(text);
}
END_TEST

/* ---- duration_parse ---- */

static const struct {
    const char *s;
    double want;
} duration_ok[] = {
    {"0", 0},
    {"+0", 0},
    {"0s", 0},
    {"1s", 1},
    {"+5s", 5},
    {"32s", 32},
    {"1m0s", 60},
    {"1m", 60},
    {"500ms", 0.5},
    {"2h", 7200},
    {"1h30m", 5400},
    {"1.5h", 5400},
    {".5s", 0.5},
    {"1.s", 1},
    {"3m2.5s", 182.5},
    {"100ns", 1e-7},
    {"250us", 2.5e-4},
    {"250\xc2\xb5s", 2.5e-4},
    {"1h1m1s1ms", 3661.001},
    {"10m10m", 1200},
    {"0.000000001s", 1e-9},
};

START_TEST(duration_valid)
{
    double got = -1;
    double tol = 1e-12 * (duration_ok[_i].want > 1 ? duration_ok[_i].want : 1);

    ck_assert_msg(duration_parse(duration_ok[_i].s, &got) == 0, "%s refused", duration_ok[_i].s);
    ck_assert_msg(got > duration_ok[_i].want - tol && got < duration_ok[_i].want + tol,
                  "%s: %g, want %g", duration_ok[_i].s, got, duration_ok[_i].want);
}
END_TEST

static const char *const duration_bad[] = {
    "",     "5",    "-1s",   "1x",     "s",     "+",   "-",  ".",    ".s",        "1",
    "1m5",  "1 s",  " 1s",   "1s ",    "abc",   "1S",  "1H", "1e3s", "0x10s",     "1e-3s",
    "infs", "nans", "1..5s", "1.5.5s", "1m-1s", "1sm", "ms", "1mss", "\xc2\xb5s",
};

START_TEST(duration_invalid)
{
    double got = 42;

    ck_assert_msg(duration_parse(duration_bad[_i], &got) == -1, "\"%s\" accepted as %g",
                  duration_bad[_i], got);
    ck_assert_double_eq(got, 42); /* untouched on error */
}
END_TEST

START_TEST(duration_null)
{
    double got;

    ck_assert_int_eq(duration_parse(NULL, &got), -1);
}
END_TEST

static Suite *flags_suite(void)
{
    Suite *s = suite_create("flags");
    TCase *tc = tcase_create("flags");

    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, parse, 0, N(parse_cases));
    tcase_add_test(tc, parse_resets_defaults);
    tcase_add_test(tc, bad_default);
    tcase_add_test(tc, null_defaults);
    tcase_add_test(tc, usage);
    suite_add_tcase(s, tc);

    tc = tcase_create("duration");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, duration_valid, 0, N(duration_ok));
    tcase_add_loop_test(tc, duration_invalid, 0, N(duration_bad));
    tcase_add_test(tc, duration_null);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(flags_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
