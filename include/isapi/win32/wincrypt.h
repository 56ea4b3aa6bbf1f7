/* wincrypt.h - the CryptoAPI encoding-type constants; the CryptoAPI functions are not provided. */
#ifndef ISAPI_WIN32_WINCRYPT_H
#define ISAPI_WIN32_WINCRYPT_H

#define CRYPT_ASN_ENCODING 0x00000001
#define CRYPT_NDR_ENCODING 0x00000002
#define X509_ASN_ENCODING 0x00000001
#define X509_NDR_ENCODING 0x00000002
#define PKCS_7_ASN_ENCODING 0x00010000
#define PKCS_7_NDR_ENCODING 0x00020000

#endif /* ISAPI_WIN32_WINCRYPT_H */
