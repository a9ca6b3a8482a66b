// zlib's init calls are macros; these wrappers make them callable from Swift.
#ifndef REG_CZLIB_SHIM_H
#define REG_CZLIB_SHIM_H
#include <zlib.h>

static inline int reg_deflateInit2(z_streamp s, int level, int windowBits) {
    return deflateInit2(s, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
static inline int reg_inflateInit2(z_streamp s, int windowBits) { return inflateInit2(s, windowBits); }
#endif
