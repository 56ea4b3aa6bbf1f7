/* The benchmark's yardstick: the smallest sensible FastCGI responder on libfcgi's FCGX API.
 *
 * Usage: isapi_fcgi_bench_reference SOCKET_PATH THREADS [BACKLOG]
 *        (environment: REFERENCE_RESPONSE_FILE and REFERENCE_HASH_BODY, below)
 *
 * THREADS threads each loop on FCGX_Accept_r over one shared listen socket. There is no mutex
 * around FCGX_Accept_r (libfcgi's examples/threaded.c has one): it would be held while a thread
 * waits for the next request on its kept connection and serialise everything. libfcgi pins a
 * thread to each kept connection, so THREADS must cover every connection nginx keeps open at
 * once, or requests queue behind idle kept connections until nginx's keepalive timeout.
 *
 * Every request gets the same bytes as the engine's ping path, or, when the environment variable
 * REFERENCE_RESPONSE_FILE names a file, that file's bytes verbatim as FastCGI STDOUT (headers
 * and body): bench/isapi-run captures an ISAPI extension's answer through cgi-fcgi and replays it
 * here, so both sides send the same bytes whatever their size. With REFERENCE_HASH_BODY=1 the
 * body is also hashed as it is read, with the FNV-1a 64 that examples/formdump.c computes over
 * it: bench/side-by-side's upload rows then compare what hosting costs, not formdump's hash
 * (~7 instructions a byte) against no work at all. bench/instr leaves it off, as it counts the
 * host's instructions apart from the extension's anyway. SIGTERM/SIGINT/SIGHUP remove the
 * socket and exit at once: the workers sit in blocking calls and nothing needs flushing.
 */
#include <errno.h>
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Must stay byte-identical to the engine's ping answer (bench/README.md, "Fairness"):
 * bench/run compares the two through cgi-fcgi before measuring. */
static const char reference_response[] =
    "Status: 200 OK\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 4\r\n"
    "\r\n"
    "pong";

enum { max_threads = 4096, default_backlog = 511 };

static int listen_fd = -1;
static const char* response = reference_response;
static int response_length = (int)(sizeof reference_response - 1);
static int hash_body;

#define FNV1A64_OFFSET 0xcbf29ce484222325ULL
#define FNV1A64_PRIME 0x100000001b3ULL

/* Where each body's hash goes, so that the compiler keeps the loop that computes it. */
static volatile unsigned long long body_hash_sink;

static unsigned long long fnv1a64(unsigned long long hash, const char* bytes, int length)
{
    for (int i = 0; i < length; ++i) {
        hash ^= (unsigned char)bytes[i];
        hash *= FNV1A64_PRIME;
    }
    return hash;
}

static void drain_stdin(FCGX_Stream* in)
{
    /* Leftover STDIN records on a kept connection would be misread by the next FCGX_Accept_r
     * as the start of a request; a GET still carries the empty STDIN record. */
    char sink[32768]; /* formdump reads 32 KiB at a time */
    unsigned long long hash = FNV1A64_OFFSET;
    int length;
    while ((length = FCGX_GetStr(sink, (int)sizeof sink, in)) > 0) {
        if (hash_body)
            hash = fnv1a64(hash, sink, length);
    }
    body_hash_sink = hash;
}

static void* serve(void* unused)
{
    (void)unused;
    FCGX_Request request;
    if (FCGX_InitRequest(&request, listen_fd, 0) != 0) {
        fprintf(stderr, "reference: FCGX_InitRequest failed\n");
        return NULL;
    }
    while (FCGX_Accept_r(&request) >= 0) {
        drain_stdin(request.in);
        FCGX_PutStr(response, response_length, request.out);
        FCGX_Finish_r(&request);
    }
    fprintf(stderr, "reference: FCGX_Accept_r failed, thread exits\n");
    return NULL;
}

/* Replaces the ping answer with the whole of FILE, read once so that serving costs the same as
 * with the built-in constant. Capped at 1 GiB: FCGX_PutStr takes an int length. */
static void load_response_file(const char* file)
{
    FILE* in = fopen(file, "rb");
    if (in == NULL) {
        fprintf(stderr, "reference: cannot open %s: %s\n", file, strerror(errno));
        exit(1);
    }
    size_t capacity = 1 << 16, size = 0;
    char* data = malloc(capacity);
    for (;;) {
        if (data == NULL) {
            fprintf(stderr, "reference: out of memory reading %s\n", file);
            exit(1);
        }
        size += fread(data + size, 1, capacity - size, in);
        if (size < capacity) break;
        if (capacity >= (size_t)1 << 30) {
            fprintf(stderr, "reference: %s is larger than 1 GiB\n", file);
            exit(1);
        }
        capacity *= 2;
        data = realloc(data, capacity);
    }
    if (ferror(in)) {
        fprintf(stderr, "reference: cannot read %s\n", file);
        exit(1);
    }
    fclose(in);
    response = data;
    response_length = (int)size;
}

static long parse_positive(const char* text, const char* what, long max)
{
    char* end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < 1 || value > max) {
        fprintf(stderr, "reference: %s must be 1..%ld, not '%s'\n", what, max, text);
        exit(2);
    }
    return value;
}

int main(int argc, char** argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s SOCKET_PATH THREADS [BACKLOG]\n", argv[0]);
        return 2;
    }
    const char* path = argv[1];
    if (path[0] != '/' || strchr(path, ':') != NULL) {
        /* FCGX_OpenSocket reads "host:port" and ":port" (all interfaces) as TCP. */
        fprintf(stderr, "reference: SOCKET_PATH must be an absolute path without ':'\n");
        return 2;
    }
    const long threads = parse_positive(argv[2], "THREADS", max_threads);
    const long backlog = argc == 4 ? parse_positive(argv[3], "BACKLOG", 65535) : default_backlog;
    const char* response_file = getenv("REFERENCE_RESPONSE_FILE");
    const char* hash_setting = getenv("REFERENCE_HASH_BODY");
    hash_body = hash_setting != NULL && strcmp(hash_setting, "1") == 0;
    if (response_file != NULL && response_file[0] != '\0') load_response_file(response_file);

    /* Blocked before any thread exists so that every worker inherits the mask and only
     * sigwait() below sees these signals. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

    if (FCGX_Init() != 0) {
        fprintf(stderr, "reference: FCGX_Init failed\n");
        return 1;
    }
    listen_fd = FCGX_OpenSocket(path, (int)backlog);
    if (listen_fd < 0) {
        fprintf(stderr, "reference: cannot listen on %s\n", path);
        return 1;
    }

    for (long i = 0; i < threads; ++i) {
        pthread_t thread;
        int rc = pthread_create(&thread, NULL, serve, NULL);
        if (rc != 0) {
            fprintf(stderr, "reference: pthread_create: %s\n", strerror(rc));
            unlink(path);
            return 1;
        }
        pthread_detach(thread);
    }
    fprintf(stderr, "reference: listening on unix:%s with %ld threads, %d-byte answer\n", path,
            threads, response_length);

    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    unlink(path);
    _exit(0);
}
