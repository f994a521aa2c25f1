#ifndef LEAKGUARD_CPCRE2_SHIM_H
#define LEAKGUARD_CPCRE2_SHIM_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

// pcre2.h names its functions through macros and some constants through casts, which Swift does
// not import; these small wrappers give Swift plain names to call.
static inline uint32_t lg_pcre2_jit_complete(void) { return PCRE2_JIT_COMPLETE; }
static inline int lg_pcre2_error_nomatch(void) { return PCRE2_ERROR_NOMATCH; }
static inline int lg_pcre2_error_matchlimit(void) { return PCRE2_ERROR_MATCHLIMIT; }
static inline int lg_pcre2_error_depthlimit(void) { return PCRE2_ERROR_DEPTHLIMIT; }
static inline int lg_pcre2_error_heaplimit(void) { return PCRE2_ERROR_HEAPLIMIT; }
static inline int lg_pcre2_error_jit_stacklimit(void) { return PCRE2_ERROR_JIT_STACKLIMIT; }
static inline uint32_t lg_pcre2_info_capturecount(void) { return PCRE2_INFO_CAPTURECOUNT; }
static inline uint32_t lg_pcre2_notempty_atstart(void) { return PCRE2_NOTEMPTY_ATSTART; }
static inline uint32_t lg_pcre2_anchored(void) { return PCRE2_ANCHORED; }
static inline size_t lg_pcre2_unset(void) { return PCRE2_UNSET; }
#endif
