/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

/*
 * libFuzzer's entry points. fuzz-common.c, linked into every target, defines
 * LLVMFuzzerInitialize; each target defines LLVMFuzzerTestOneInput.
 */
int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* The input as a NUL-terminated string (libFuzzer's buffer is not). */
static inline char *
fuzz_string (const guint8 *data,
             size_t        size)
{
  return g_strndup ((const char *) data, size);
}
