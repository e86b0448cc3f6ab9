/*
 * Marks the functions that make up libtessera_rt's interface. The library is
 * built with hidden visibility, so everything else stays internal to it.
 */
#ifndef TESSERA_RT_EXPORT_H
#define TESSERA_RT_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define TESSERA_RT_API __attribute__((visibility("default")))
#else
#define TESSERA_RT_API
#endif

#endif /* TESSERA_RT_EXPORT_H */
