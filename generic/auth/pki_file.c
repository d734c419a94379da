#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "generic/apis/xalloc.h"
#include "generic/auth/pki.h"
#include "generic/auth/pki_internal.h"

int pki_ossl_err(struct apierr *err, const char *what)
{
    char buf[160] = "unknown OpenSSL error";
    unsigned long e = ERR_peek_last_error();

    if (e)
        ERR_error_string_n(e, buf, sizeof(buf));
    ERR_clear_error();
    return apierr_set(err, APIERR_INTERNAL, "%s: %s", what, buf);
}

int pki_path(char *buf, const char *dir, const char *file, struct apierr *err)
{
    int n = snprintf(buf, PKI_PATH_MAX, "%s/%s", dir, file);

    if (n < 0 || n >= PKI_PATH_MAX)
        return apierr_set(err, APIERR_INVALID, "path too long: %.64s...", dir);
    return 0;
}

static int mkdir_one(const char *dir, struct apierr *err)
{
    struct stat st;

    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return apierr_set(err, APIERR_INTERNAL, "mkdir %s: %s", dir, strerror(errno));
    if (stat(dir, &st) < 0)
        return apierr_set(err, APIERR_INTERNAL, "stat %s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return apierr_set(err, APIERR_INTERNAL, "%s: not a directory", dir);
    return 0;
}

int pki_mkdir(const char *dir, struct apierr *err)
{
    char path[PKI_PATH_MAX];
    char *p;

    if (!dir || !*dir)
        return apierr_set(err, APIERR_INVALID, "no certificate directory given");
    if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
        return apierr_set(err, APIERR_INVALID, "path too long: %.64s...", dir);
    for (p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        if (mkdir_one(path, err) < 0)
            return -1;
        *p = '/';
    }
    return mkdir_one(path, err);
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Without this the rename may not survive a power cut even though the data does. */
static int fsync_parent(const char *path)
{
    char copy[PKI_PATH_MAX];
    int fd, rc;

    snprintf(copy, sizeof(copy), "%s", path);
    fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

int pki_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                     struct apierr *err)
{
    char tmp[PKI_PATH_MAX];
    int fd;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(tmp))
        return apierr_set(err, APIERR_INVALID, "path too long: %.64s...", path);
    fd = mkstemp(tmp); /* mode 0600 from the start, so a key is never readable by others */
    if (fd < 0)
        return apierr_set(err, APIERR_INTERNAL, "create %s: %s", tmp, strerror(errno));
    if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0)
        goto fail;
    if (close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) < 0)
        goto fail;
    if (fsync_parent(path) < 0)
        return apierr_set(err, APIERR_INTERNAL, "fsync dir of %s: %s", path, strerror(errno));
    return 0;
fail:
    apierr_set(err, APIERR_INTERNAL, "write %s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    return -1;
}

static int read_fd(int fd, const char *path, char **out, size_t *len, struct apierr *err)
{
    struct stat st;
    size_t got = 0;
    char *buf;

    if (fstat(fd, &st) < 0)
        return apierr_set(err, APIERR_INTERNAL, "stat %s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return apierr_set(err, APIERR_INTERNAL, "%s: not a regular file", path);
    if (st.st_size > (off_t)PKI_FILE_MAX)
        return apierr_set(err, APIERR_INTERNAL, "%s: larger than %u bytes", path, PKI_FILE_MAX);
    buf = xmalloc((size_t)st.st_size + 1);
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) /* a file that shrank under us reads as what is left */
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    *out = buf;
    *len = got;
    return 0;
}

int pki_read_file(const char *path, char **out, size_t *len, struct apierr *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int rc;

    if (fd < 0 && errno == ENOENT)
        return apierr_set(err, APIERR_NOT_FOUND, "%s: no such file", path);
    if (fd < 0)
        return apierr_set(err, APIERR_INTERNAL, "open %s: %s", path, strerror(errno));
    rc = read_fd(fd, path, out, len, err);
    close(fd);
    return rc;
}

/* Keys on disk are never encrypted; this keeps OpenSSL from prompting on the terminal. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

static void *read_pem(const char *path, int want_key, struct apierr *err)
{
    void *obj = NULL;
    size_t len;
    char *data;
    BIO *bio;

    if (pki_read_file(path, &data, &len, err) < 0)
        return NULL;
    bio = BIO_new_mem_buf(data, (int)len);
    if (!bio)
        abort();
    if (want_key)
        obj = PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
    else
        obj = PEM_read_bio_X509(bio, NULL, no_password, NULL);
    BIO_free(bio);
    OPENSSL_cleanse(data, len);
    free(data);
    if (!obj) {
        char what[PKI_PATH_MAX + 32];

        snprintf(what, sizeof(what), "%s: not a PEM %s", path,
                 want_key ? "private key" : "certificate");
        pki_ossl_err(err, what);
    }
    return obj;
}

X509 *pki_read_cert(const char *path, struct apierr *err)
{
    return read_pem(path, 0, err);
}

EVP_PKEY *pki_read_key(const char *path, struct apierr *err)
{
    return read_pem(path, 1, err);
}
