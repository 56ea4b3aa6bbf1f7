/* The benchmark's yardstick: the smallest sensible FastCGI responder on libfcgi's FCGX API.
 *
 * Usage: isapi_fcgi_bench_reference SOCKET_PATH THREADS [BACKLOG]
 *
 * THREADS threads each loop on FCGX_Accept_r over one shared listen socket. There is no mutex
 * around FCGX_Accept_r (libfcgi's examples/threaded.c has one): it would be held while a thread
 * waits for the next request on its kept connection and serialise everything. libfcgi pins a
 * thread to each kept connection, so THREADS must cover every connection nginx keeps open at
 * once, or requests queue behind idle kept connections until nginx's keepalive timeout.
 *
 * Every request gets the same bytes as the engine's ping path. SIGTERM/SIGINT/SIGHUP remove the
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

static void drain_stdin(FCGX_Stream* in)
{
    /* Leftover STDIN records on a kept connection would be misread by the next FCGX_Accept_r
     * as the start of a request; a GET still carries the empty STDIN record. */
    char sink[4096];
    while (FCGX_GetStr(sink, (int)sizeof sink, in) > 0) {
    }
}

static void* serve(void* unused)
{
    (void)unused;
    FCGX_Request request;
    if (FCGX_InitRequest(&request, listen_fd, 0) != 0) {
        fprintf(stderr, "reference: FCGX_InitRequest failed\n");
        return NULL;
    }
    const int length = (int)(sizeof reference_response - 1);
    while (FCGX_Accept_r(&request) >= 0) {
        drain_stdin(request.in);
        FCGX_PutStr(reference_response, length, request.out);
        FCGX_Finish_r(&request);
    }
    fprintf(stderr, "reference: FCGX_Accept_r failed, thread exits\n");
    return NULL;
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
    fprintf(stderr, "reference: listening on unix:%s with %ld threads\n", path, threads);

    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    unlink(path);
    _exit(0);
}
