/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Every secret value the process handles (tokens, codes, verifiers, state, the
 * client secret) is registered here as soon as it exists; the log writer installed
 * by wbps_redact_install_log_writer() replaces registered values, and anything that
 * looks like a TikTok token or a secret form field, with "[redacted]".
 */
void   wbps_redact_register            (const char *secret);
void   wbps_redact_forget_all          (void);
/* (transfer full) */
char  *wbps_redact                     (const char *text);
void   wbps_redact_install_log_writer  (void);

/* Overwrite a secret string in place before freeing it (NULL-safe). */
void   wbps_secret_free                (char       *secret);

G_END_DECLS
