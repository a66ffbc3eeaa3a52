// Package render turns what comes from a Kafka cluster (names, keys, headers,
// payloads) into text that is safe to print on a terminal: every control
// character, escape sequence, invalid UTF-8 byte and invisible bidi or format
// character is made visible and inert (an ESC shows as the four characters
// `\x1b`). On top of that it pretty-prints JSON with syntax highlighting,
// dumps binary values in hex and lays out a whole record.
//
// It is shared by the CLI's pretty output and the terminal UI, and depends on
// neither: styling comes from a Theme of lipgloss styles the caller passes in.
// The caller decides between PlainTheme and ColorTheme (NO_COLOR, stdout not a
// terminal, a --color flag); this package reads no environment variables
// itself, though ColorTheme's default lipgloss renderer detects the terminal's
// colour profile and background when first used.
//
// Output sizes are bounded by Limits so a 1 MB value or JSON nested 100,000
// levels deep renders in bounded memory, without recursion, and says on screen
// what was left out.
package render
