/* LD_PRELOAD shim for bench/alloc-count: counts heap allocation calls of the process it is
 * loaded into, and reports the running totals on request.
 *
 * Counted: malloc, calloc, realloc, reallocarray, memalign, posix_memalign, aligned_alloc,
 * valloc, pvalloc (operator new reaches malloc through libstdc++). free is not interposed.
 * Each call is forwarded to glibc's __libc_* entry points, so no dlsym() bootstrap is needed
 * (dlsym itself allocates) and the shim is glibc-only, which is all bench/ targets.
 *
 * Reporting: if MALLOC_COUNTER_CONTROL names a FIFO, a thread started at load time reads it;
 * for every byte written to the FIFO it appends "CALLS BYTES\n" to MALLOC_COUNTER_OUTPUT.
 * A thread rather than a signal, because the host may block or claim any signal; the thread
 * blocks every signal so that it never takes one meant for the host. It allocates nothing.
 * At exit the final totals are appended as well.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

extern void* __libc_malloc(size_t size);
extern void* __libc_calloc(size_t count, size_t size);
extern void* __libc_realloc(void* pointer, size_t size);
extern void* __libc_memalign(size_t alignment, size_t size);
extern void* __libc_valloc(size_t size);
extern void* __libc_pvalloc(size_t size);

static uint64_t allocation_calls;
static uint64_t allocation_bytes;
static const char* control_path;
static const char* output_path;

static void count(size_t bytes)
{
    __atomic_fetch_add(&allocation_calls, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&allocation_bytes, (uint64_t)bytes, __ATOMIC_RELAXED);
}

void* malloc(size_t size)
{
    count(size);
    return __libc_malloc(size);
}

void* calloc(size_t count_of, size_t size)
{
    count(count_of * size);
    return __libc_calloc(count_of, size);
}

void* realloc(void* pointer, size_t size)
{
    count(size);
    return __libc_realloc(pointer, size);
}

void* reallocarray(void* pointer, size_t count_of, size_t size)
{
    if (size != 0 && count_of > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(pointer, count_of * size);
}

void* memalign(size_t alignment, size_t size)
{
    count(size);
    return __libc_memalign(alignment, size);
}

void* aligned_alloc(size_t alignment, size_t size)
{
    count(size);
    return __libc_memalign(alignment, size);
}

int posix_memalign(void** result, size_t alignment, size_t size)
{
    if (alignment < sizeof(void*) || (alignment & (alignment - 1)) != 0) {
        return EINVAL;
    }
    count(size);
    void* pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) {
        return ENOMEM;
    }
    *result = pointer;
    return 0;
}

void* valloc(size_t size)
{
    count(size);
    return __libc_valloc(size);
}

void* pvalloc(size_t size)
{
    count(size);
    return __libc_pvalloc(size);
}

/* Formats without stdio, which may allocate and would count itself. */
static size_t format_decimal(uint64_t value, char* out)
{
    char reversed[24];
    size_t length = 0;
    do {
        reversed[length++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    for (size_t i = 0; i < length; ++i) {
        out[i] = reversed[length - 1 - i];
    }
    return length;
}

static void append_snapshot(void)
{
    if (output_path == NULL) {
        return;
    }
    char line[64];
    size_t length = format_decimal(__atomic_load_n(&allocation_calls, __ATOMIC_RELAXED), line);
    line[length++] = ' ';
    length += format_decimal(__atomic_load_n(&allocation_bytes, __ATOMIC_RELAXED), line + length);
    line[length++] = '\n';
    int fd = open(output_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        return;
    }
    ssize_t ignored = write(fd, line, length);
    (void)ignored;
    close(fd);
}

static void* serve_control(void* unused)
{
    (void)unused;
    for (;;) {
        int fd = open(control_path, O_RDONLY | O_CLOEXEC);  /* blocks until a writer opens */
        if (fd < 0) {
            if (errno == EINTR) {
                continue;
            }
            return NULL;
        }
        char requests[64];
        ssize_t got;
        while ((got = read(fd, requests, sizeof requests)) != 0) {
            if (got < 0) {
                if (errno == EINTR) {
                    continue;
                }
                break;
            }
            for (ssize_t i = 0; i < got; ++i) {
                append_snapshot();
            }
        }
        close(fd);
    }
}

__attribute__((constructor)) static void start_control_thread(void)
{
    output_path = getenv("MALLOC_COUNTER_OUTPUT");
    control_path = getenv("MALLOC_COUNTER_CONTROL");
    if (control_path == NULL || output_path == NULL) {
        return;
    }
    /* Children inherit LD_PRELOAD and still count, but must not compete for the FIFO. The
     * strings stay valid: they live in the initial environment block. */
    unsetenv("MALLOC_COUNTER_CONTROL");
    unsetenv("MALLOC_COUNTER_OUTPUT");
    sigset_t all;
    sigset_t previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pthread_t thread;
    if (pthread_create(&thread, NULL, serve_control, NULL) == 0) {
        pthread_detach(thread);
    }
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
}

__attribute__((destructor)) static void report_at_exit(void)
{
    append_snapshot();
}
