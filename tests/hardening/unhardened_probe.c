/* Linked without any hardening flag (see CMakeLists.txt): what check-elf must refuse. */
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
    char buffer[64];
    strcpy(buffer, argc > 1 ? argv[1] : "probe");
    puts(buffer);
    return 0;
}
