#ifndef LEAKGUARD_CLIBFUZZER_H
#define LEAKGUARD_CLIBFUZZER_H
#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver, for a harness that has its own `main` (SwiftPM renames an executable's
// entry point, so libFuzzer's own `main` cannot be used). Linked in by `-sanitize=fuzzer`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
