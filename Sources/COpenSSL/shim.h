// libcrypto's digest API, exposed as is (EVP calls are not variadic).
#ifndef REG_COPENSSL_SHIM_H
#define REG_COPENSSL_SHIM_H
#include <openssl/crypto.h>
#include <openssl/evp.h>
#endif
