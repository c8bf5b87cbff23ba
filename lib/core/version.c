/* Run-time version and capabilities. */
#include "internal.h"

#include <hedge/version.h>

#include "cpu.h"

HEDGE_API unsigned hedge_version_number(void) { return HEDGE_VERSION_NUMBER; }

HEDGE_API const char *hedge_version_string(void) { return HEDGE_VERSION_STRING; }

HEDGE_API uint64_t hedge_capabilities(void) {
    uint64_t caps = HEDGE_CAP_THREAD_LOCAL_ERRORS | HEDGE_CAP_CUSTOM_ALLOCATOR;
    hedge__simd level = hedge__simd_level();
    /* An AVX-512 machine runs the AVX2 kernels as well. */
    if (level >= HEDGE__SIMD_AVX2)
        caps |= HEDGE_CAP_SIMD_AVX2;
    if (level >= HEDGE__SIMD_AVX512)
        caps |= HEDGE_CAP_SIMD_AVX512;
    if (HEDGE_HAVE_JSON)
        caps |= HEDGE_CAP_JSON;
    return caps;
}

HEDGE_API const char *hedge_capability_name(uint64_t capability) {
    switch (capability) {
    case HEDGE_CAP_THREAD_LOCAL_ERRORS:
        return "thread-local-errors";
    case HEDGE_CAP_CUSTOM_ALLOCATOR:
        return "custom-allocator";
    case HEDGE_CAP_SIMD_AVX2:
        return "simd-avx2";
    case HEDGE_CAP_SIMD_AVX512:
        return "simd-avx512";
    case HEDGE_CAP_JSON:
        return "json";
    default:
        return NULL;
    }
}
