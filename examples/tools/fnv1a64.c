/*
 * fnv1a64 - prints "bytes=<n>\nfnv1a64=<hex>\n" for a file (or stdin with no argument or "-"),
 * exactly as the first two lines of the formdump example's response, so a test can compare
 * what it uploaded with what the extension received.  64-bit FNV-1a: offset basis
 * 0xcbf29ce484222325, prime 0x100000001b3, one byte at a time.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    static unsigned char buffer[65536];
    uint64_t hash = 0xcbf29ce484222325ULL;
    unsigned long long total = 0;
    FILE *input = stdin;
    size_t n;

    if (argc > 2) {
        fprintf(stderr, "usage: %s [FILE|-]\n", argv[0]);
        return 2;
    }
    if (argc == 2 && strcmp(argv[1], "-") != 0) {
        input = fopen(argv[1], "rb");
        if (input == NULL) {
            perror(argv[1]);
            return 1;
        }
    }
    while ((n = fread(buffer, 1, sizeof(buffer), input)) > 0) {
        size_t i;
        for (i = 0; i < n; ++i) {
            hash ^= buffer[i];
            hash *= 0x100000001b3ULL;
        }
        total += n;
    }
    if (ferror(input)) {
        perror("read");
        return 1;
    }
    if (input != stdin) {
        fclose(input);
    }
    printf("bytes=%llu\nfnv1a64=%016llx\n", total, (unsigned long long)hash);
    return 0;
}
