#ifndef LEAKGUARD_CLIBARCHIVE_SHIM_H
#define LEAKGUARD_CLIBARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>

// Constants that are casts or macros Swift does not import as values.
static inline int lg_archive_ok(void) { return ARCHIVE_OK; }
static inline int lg_archive_eof(void) { return ARCHIVE_EOF; }
static inline int lg_archive_warn(void) { return ARCHIVE_WARN; }
static inline unsigned int lg_ae_ifreg(void) { return AE_IFREG; }
#endif
