/* A minimal FastCGI client for bench/instr: N requests, one at a time, over one kept connection.
 *
 * Usage: isapi_fcgi_bench_client SOCKET_PATH N [--body BYTES] [--save FILE] NAME=VALUE...
 *
 * Each request is BEGIN_REQUEST (RESPONDER, FCGI_KEEP_CONN), the NAME=VALUE pairs in one PARAMS
 * record plus the empty one, BYTES of body in 32 KiB STDIN records (nginx's record size) plus
 * the empty one; then it reads until END_REQUEST. One request at a time: the instruction count
 * per request is then the cost of a request, not of a pipeline. It checks that every answer's
 * header block has "Status: 200" and ends with protocol status REQUEST_COMPLETE; --save writes the
 * last answer's STDOUT to FILE (bench/instr replays it from the reference responder). Exit
 * status 0 only if all N requests succeeded. */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum { record_begin = 1, record_end = 3, record_params = 4, record_stdin = 5, record_stdout = 6,
       record_stderr = 7, stdin_record_bytes = 32768, max_params = 65535 };

static int fail(const char* what)
{
    fprintf(stderr, "fcgi_client: %s: %s\n", what, errno ? strerror(errno) : "protocol error");
    exit(1);
}

static void write_all(int fd, const unsigned char* data, size_t size)
{
    while (size > 0) {
        ssize_t n = write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail("write");
        data += n;
        size -= (size_t)n;
    }
}

static void read_all(int fd, unsigned char* data, size_t size)
{
    while (size > 0) {
        ssize_t n = read(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) errno = 0;
        if (n <= 0) fail("read");
        data += n;
        size -= (size_t)n;
    }
}

static void header(unsigned char* out, int type, size_t length)
{
    out[0] = 1;
    out[1] = (unsigned char)type;
    out[2] = 0;
    out[3] = 1; /* request id 1 */
    out[4] = (unsigned char)(length >> 8);
    out[5] = (unsigned char)length;
    out[6] = 0;
    out[7] = 0;
}

static size_t put_length(unsigned char* out, size_t length)
{
    if (length < 128) {
        out[0] = (unsigned char)length;
        return 1;
    }
    out[0] = (unsigned char)(0x80 | (length >> 24));
    out[1] = (unsigned char)(length >> 16);
    out[2] = (unsigned char)(length >> 8);
    out[3] = (unsigned char)length;
    return 4;
}

int main(int argc, char** argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s SOCKET N [--body BYTES] [--save FILE] NAME=VALUE...\n", argv[0]);
        return 2;
    }
    long count = strtol(argv[2], NULL, 10);
    size_t body = 0;
    const char* save = NULL;
    static unsigned char request[24 + max_params + 8];
    size_t params = 0;
    unsigned char* p = request + 24; /* after BEGIN_REQUEST and the PARAMS header */
    for (int i = 3; i < argc; ++i) {
        if (strcmp(argv[i], "--body") == 0 && i + 1 < argc) {
            body = (size_t)strtoul(argv[++i], NULL, 10);
            continue;
        }
        if (strcmp(argv[i], "--save") == 0 && i + 1 < argc) {
            save = argv[++i];
            continue;
        }
        const char* eq = strchr(argv[i], '=');
        if (eq == NULL) return fail("a param without '='");
        size_t name = (size_t)(eq - argv[i]), value = strlen(eq + 1);
        if (params + 8 + name + value > max_params) return fail("params too long");
        params += put_length(p + params, name);
        params += put_length(p + params, value);
        memcpy(p + params, argv[i], name);
        params += name;
        memcpy(p + params, eq + 1, value);
        params += value;
    }
    /* BEGIN_REQUEST, PARAMS (one record), empty PARAMS: written at once, as nginx does. */
    header(request, record_begin, 8);
    memset(request + 8, 0, 8);
    request[9] = 1;  /* RESPONDER */
    request[10] = 1; /* FCGI_KEEP_CONN */
    header(request + 16, record_params, params);
    header(request + 24 + params, record_params, 0);
    size_t request_size = 24 + params + 8;

    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof address.sun_path) return fail("socket path too long");
    strcpy(address.sun_path, argv[1]);
    /* A backend under valgrind may have bound its socket but not yet listen()ed: retry for 2 minutes. */
    for (int attempt = 0;; ++attempt) {
        if (fd < 0) return fail("socket");
        if (connect(fd, (struct sockaddr*)&address, sizeof address) == 0) break;
        if ((errno != ECONNREFUSED && errno != ENOENT) || attempt == 2400) return fail("connect");
        usleep(50 * 1000);
    }

    static unsigned char chunk[8 + stdin_record_bytes];
    memset(chunk + 8, 'x', stdin_record_bytes);
    size_t saved_capacity = 1 << 16, saved_size = 0;
    unsigned char* saved = malloc(saved_capacity);
    static unsigned char content[65536 + 256];
    for (long n = 0; n < count; ++n) {
        write_all(fd, request, request_size);
        for (size_t sent = 0; sent < body;) {
            size_t size = body - sent < stdin_record_bytes ? body - sent : stdin_record_bytes;
            header(chunk, record_stdin, size);
            write_all(fd, chunk, 8 + size);
            sent += size;
        }
        unsigned char end_of_body[8];
        header(end_of_body, record_stdin, 0);
        write_all(fd, end_of_body, 8);

        saved_size = 0;
        for (;;) {
            unsigned char h[8];
            read_all(fd, h, 8);
            size_t length = ((size_t)h[4] << 8) | h[5];
            read_all(fd, content, length + h[6]);
            if (h[1] == record_stdout) {
                if (saved_size + length > saved_capacity) {
                    while (saved_size + length > saved_capacity) saved_capacity *= 2;
                    saved = realloc(saved, saved_capacity);
                    if (saved == NULL) return fail("out of memory");
                }
                memcpy(saved + saved_size, content, length);
                saved_size += length;
            } else if (h[1] == record_stderr) {
                fwrite(content, 1, length, stderr);
            } else if (h[1] == record_end) {
                if (length != 8 || content[4] != 0) return fail("END_REQUEST is not REQUEST_COMPLETE");
                break;
            }
        }
        /* The header block, wherever its Status line is (an extension's headers come in its order). */
        const unsigned char* end = memmem(saved, saved_size, "\r\n\r\n", 4);
        if (end == NULL || memmem(saved, (size_t)(end - saved) + 2, "Status: 200 ", 12) == NULL) {
            fwrite(saved, 1, saved_size < 300 ? saved_size : 300, stderr);
            errno = 0;
            return fail("the answer is not Status: 200");
        }
    }
    if (save != NULL) {
        FILE* out = fopen(save, "wb");
        if (out == NULL || fwrite(saved, 1, saved_size, out) != saved_size || fclose(out) != 0)
            return fail(save);
    }
    close(fd);
    return 0;
}
