/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * esc.h - untrusted bytes (paths, option names, sources, user names) made
 * safe for one line of output: a terminal, a log line, a JSON document.
 *
 * Kept as they are: printable ASCII and valid UTF-8 sequences of printable
 * characters.  Escaped: every other byte, that is control characters and
 * DEL, bytes that are not part of valid UTF-8, and the characters that
 * can break or disguise a line (C1 controls U+0080-U+009F, the line and
 * paragraph separators U+2028/U+2029, bidirectional and zero-width
 * formatting marks, U+FEFF).  The escapes are lossless.
 */
#ifndef FM_ESC_H
#define FM_ESC_H

#include <stddef.h>

enum esc_mode {
	/* mountinfo style, for a field of a whitespace-separated line:
	 * space \040, tab \011, newline \012, backslash \134, every other
	 * escaped byte \NNN (three octal digits) */
	ESC_FIELD,
	/* the same for free text: spaces are kept */
	ESC_TEXT,
	/* the body of a JSON string: \" \\ \n \t ..., \u00XX for other
	 * controls, \uXXXX for the characters above, and a byte that is
	 * not valid UTF-8 as \udcXX (XX = the byte: the "surrogateescape"
	 * convention, so the exact bytes can be recovered) */
	ESC_JSON,
};

/*
 * Escapes the NUL-terminated s into out (size cap, cap > 0): only whole
 * escapes are written, and the result is always NUL-terminated.  Returns
 * the length of the full escaped text; a result >= cap means it was cut.
 */
size_t esc_str(char *out, size_t cap, const char *s, enum esc_mode m);
/* The escaped text in a new buffer (free() it), or NULL without memory. */
char *esc_dup(const char *s, enum esc_mode m);

#endif
