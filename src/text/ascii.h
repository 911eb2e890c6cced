/* ASCII character classes for the places that deliberately look only at
 * Latin letters and digits (CamelCase humps, acronyms). */
#ifndef VCD_TEXT_ASCII_H
#define VCD_TEXT_ASCII_H

static inline int ascii_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}
static inline int ascii_lower(char c)
{
    return c >= 'a' && c <= 'z';
}
static inline int ascii_digit(char c)
{
    return c >= '0' && c <= '9';
}
static inline char ascii_tolower(char c)
{
    return ascii_upper(c) ? (char)(c + 32) : c;
}

#endif
