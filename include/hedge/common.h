/**
 * @file common.h
 * @brief Export macro and the C/C++ linkage guards shared by every libhedge header.
 *
 * @defgroup common Common definitions
 * @brief Macros every public header relies on.
 * @{
 */
#ifndef HEDGE_COMMON_H
#define HEDGE_COMMON_H

#include <stddef.h>
#include <stdint.h>

/**
 * @brief Marks a function as part of the public ABI.
 *
 * The library is built with hidden visibility, so only functions carrying this macro (and listed in
 * the version script `lib/libhedge.map`) are exported from the shared object.
 */
#if defined(_WIN32) && defined(HEDGE_BUILDING_LIBRARY) && !defined(HEDGE_STATIC)
#define HEDGE_API __declspec(dllexport)
#elif defined(_WIN32) && !defined(HEDGE_STATIC)
#define HEDGE_API __declspec(dllimport)
#elif defined(__GNUC__) && defined(HEDGE_BUILDING_LIBRARY)
#define HEDGE_API __attribute__((visibility("default")))
#else
#define HEDGE_API
#endif

/** @brief Opens a block of declarations with C linkage when compiled as C++. */
#ifdef __cplusplus
#define HEDGE_BEGIN_DECLS extern "C" {
/** @brief Closes a block opened with ::HEDGE_BEGIN_DECLS. */
#define HEDGE_END_DECLS }
#else
#define HEDGE_BEGIN_DECLS
#define HEDGE_END_DECLS
#endif

/** @} */
#endif /* HEDGE_COMMON_H */
