/*
 * text.h - strings from outside (certificate subjects, phones, old
 * database rows, command-line arguments) checked and made safe to print.
 *
 * A control character in a name can forge a line of output ("\n") or
 * drive the terminal (ESC, and the C1 set U+0080-U+009F, which some
 * terminals honour as CSI).  Input refuses them; output escapes them.
 */
#ifndef UCPKI_TEXT_H
#define UCPKI_TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * The well-formed UTF-8 character at s: its length (1-4) and code point;
 * 0 when s does not start one (a stray byte, an overlong or surrogate).
 */
size_t	utf8_char(const char *s, uint32_t *cp);
/* C0 controls, DEL and the C1 controls. */
int	text_is_control(uint32_t cp);
/* Byte offset of the first control character in s, or -1 if none. */
long	text_find_control(const char *s);
/*
 * Copies s into out with every control character and every byte that is
 * not well-formed UTF-8 written as \xNN (a C1 character as its two
 * bytes); other UTF-8 is kept.  Truncates at a whole character; returns
 * out.  Backslashes are kept as they are.
 */
const char *text_escape(const char *s, char *out, size_t outlen);
/* Escapes s in place (at most its buffer's size, outlen). */
void	text_escape_inplace(char *s, size_t outlen);

#endif
