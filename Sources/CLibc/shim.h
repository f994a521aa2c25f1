#ifndef LEAKGUARD_CLIBC_SHIM_H
#define LEAKGUARD_CLIBC_SHIM_H
// C library functions Swift's Glibc module leaves out because they are GNU extensions.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <string.h>

static inline const void *lg_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length);
}
#endif
