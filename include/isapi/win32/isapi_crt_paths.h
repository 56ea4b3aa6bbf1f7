/*
 * isapi_crt_paths.h - the MSVC CRT's path splitting and building (stdlib.h there): _MAX_PATH
 * and the component limits, _splitpath/_makepath and their checked *_s forms.  '\\' and '/'
 * both separate directories, as in the CRT; a drive is a letter and a colon at the start.
 */
#ifndef ISAPI_WIN32_ISAPI_CRT_PATHS_H
#define ISAPI_WIN32_ISAPI_CRT_PATHS_H

#include "isapi_crt.h"

#ifdef __cplusplus
extern "C" {
#endif

#define _MAX_PATH 260
#define _MAX_DRIVE 3
#define _MAX_DIR 256
#define _MAX_FNAME 256
#define _MAX_EXT 256

/* Any output pointer may be NULL; the unchecked form assumes the _MAX_* sizes. */
ISAPI_WIN32_API void _splitpath(const char *path, char *drive, char *dir, char *fname,
                                char *ext);
/* EINVAL for a NULL path or a NULL buffer with a non-zero size (or the reverse); ERANGE
 * when a component does not fit.  Either way every buffer is emptied and the
 * invalid-parameter handler runs. */
ISAPI_WIN32_API errno_t _splitpath_s(const char *path, char *drive, size_t driveNumberOfElements,
                                     char *dir, size_t dirNumberOfElements, char *fname,
                                     size_t nameNumberOfElements, char *ext,
                                     size_t extNumberOfElements);
/* drive + dir (a separator added when missing) + fname + ext (a '.' added when missing). */
ISAPI_WIN32_API void _makepath(char *path, const char *drive, const char *dir, const char *fname,
                               const char *ext);
ISAPI_WIN32_API errno_t _makepath_s(char *path, size_t sizeInCharacters, const char *drive,
                                    const char *dir, const char *fname, const char *ext);

#ifdef __cplusplus
}

template <size_t N1, size_t N2, size_t N3, size_t N4>
inline errno_t _splitpath_s(const char *path, char (&drive)[N1], char (&dir)[N2],
                            char (&fname)[N3], char (&ext)[N4]) {
    return _splitpath_s(path, drive, N1, dir, N2, fname, N3, ext, N4);
}
template <size_t N>
inline errno_t _makepath_s(char (&path)[N], const char *drive, const char *dir,
                           const char *fname, const char *ext) {
    return _makepath_s(path, N, drive, dir, fname, ext);
}
#endif

#endif /* ISAPI_WIN32_ISAPI_CRT_PATHS_H */
