// Owner of the precompiled gtest header every test executable reuses (cmake/GoogleTest.cmake):
// a target with no definitions of its own, which GCC requires of a shared precompiled header.
int main() { return 0; }
