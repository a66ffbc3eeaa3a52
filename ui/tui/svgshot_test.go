package tui

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// This file turns a terminal screen (text with ANSI SGR colour sequences,
// as View returns it) into an SVG picture, for the README's screenshots.

// svgOptions sizes the picture of a terminal screen.
type svgOptions struct {
	Cols, Rows int    // the terminal's size in cells
	Title      string // shown in the window's title bar
}

// Cell geometry, in SVG user units (pixels): a monospace font at fontSize
// advances about 0.6em per column.
const (
	svgFontSize   = 14.0
	svgCellWidth  = 8.4
	svgLineHeight = 18.0
	svgPadding    = 12.0
	svgTitleBar   = 28.0
)

// The picture's own colours: a dark terminal, as the TUI's adaptive colours
// are rendered for a dark background.
const (
	svgBackground = "#16161e"
	svgForeground = "#d4d4d8"
	svgTitleBarBg = "#24242e"
	svgTitleFg    = "#8b8b99"
)

// svgPalette is the colour of the 16 basic ANSI colours.
var svgPalette = [16]string{
	"#1e1e24", "#f7768e", "#9ece6a", "#e0af68", "#7aa2f7", "#bb9af7", "#7dcfff", "#c0caf5",
	"#565f89", "#ff7a93", "#b9f27c", "#ff9e64", "#7da6ff", "#c0a8ff", "#a4daff", "#ffffff",
}

// sgrState is the graphic rendition in effect: colours as "#rrggbb", ""
// for the terminal's default.
type sgrState struct {
	fg, bg                                          string
	bold, faint, italic, underline, reverse, strike bool
}

// svgRun is text of one style on one line, starting at column col.
type svgRun struct {
	col, width int
	text       string
	style      sgrState
}

// ansiToSVG renders screen, lines of text with SGR sequences, as an SVG
// picture of a terminal window of opt.Cols×opt.Rows cells. Other escape
// sequences are dropped; lines beyond opt.Rows and cells beyond opt.Cols are
// cut.
func ansiToSVG(screen string, opt svgOptions) []byte {
	width := 2*svgPadding + float64(opt.Cols)*svgCellWidth
	height := svgTitleBar + 2*svgPadding + float64(opt.Rows)*svgLineHeight

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" role="img">`+"\n",
		num(width), num(height), num(width), num(height))
	b.WriteString(`<title>`)
	xmlText(&b, opt.Title)
	b.WriteString("</title>\n")
	fmt.Fprintf(&b, `<rect width="%s" height="%s" rx="8" fill="%s"/>`+"\n", num(width), num(height), svgBackground)
	fmt.Fprintf(&b, `<path d="M0 8a8 8 0 0 1 8-8h%sa8 8 0 0 1 8 8v%sh-%sz" fill="%s"/>`+"\n",
		num(width-16), num(svgTitleBar-8), num(width), svgTitleBarBg)
	for i, c := range []string{"#ff5f57", "#febc2e", "#28c840"} {
		fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="6" fill="%s"/>`+"\n", num(svgPadding+6+float64(i)*20), num(svgTitleBar/2), c)
	}
	fmt.Fprintf(&b, `<text x="%s" y="%s" fill="%s" font-family="ui-sans-serif,system-ui,sans-serif" font-size="13" text-anchor="middle">`,
		num(width/2), num(svgTitleBar/2+4.5), svgTitleFg)
	xmlText(&b, opt.Title)
	b.WriteString("</text>\n")

	fmt.Fprintf(&b, `<g transform="translate(%s %s)" font-family="ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono','Liberation Mono',monospace" font-size="%s" fill="%s" xml:space="preserve">`+"\n",
		num(svgPadding), num(svgTitleBar+svgPadding), num(svgFontSize), svgForeground)
	lines := strings.Split(screen, "\n")
	if len(lines) > opt.Rows {
		lines = lines[:opt.Rows]
	}
	var st sgrState // the rendition carries over line ends, as on a terminal
	for row, line := range lines {
		var runs []svgRun
		runs, st = parseSGRLine(line, st, opt.Cols)
		writeRuns(&b, runs, row)
	}
	b.WriteString("</g>\n</svg>\n")
	return b.Bytes()
}

// writeRuns writes the backgrounds, then the text, of one line's runs.
func writeRuns(b *bytes.Buffer, runs []svgRun, row int) {
	top := float64(row) * svgLineHeight
	for _, r := range runs {
		if bg := r.style.background(); bg != "" {
			fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n",
				num(float64(r.col)*svgCellWidth), num(top), num(float64(r.width)*svgCellWidth), num(svgLineHeight), bg)
		}
	}
	baseline := top + svgLineHeight*0.75
	for _, r := range runs {
		if strings.TrimSpace(r.text) == "" && !r.style.underline && !r.style.strike {
			continue
		}
		// textLength pins the run to its cells whatever the font's advance,
		// so columns stay aligned with box-drawing and other glyphs.
		fmt.Fprintf(b, `<text x="%s" y="%s" textLength="%s" lengthAdjust="spacingAndGlyphs"`,
			num(float64(r.col)*svgCellWidth), num(baseline), num(float64(r.width)*svgCellWidth))
		if fg := r.style.foreground(); fg != "" {
			fmt.Fprintf(b, ` fill="%s"`, fg)
		}
		if r.style.bold {
			b.WriteString(` font-weight="bold"`)
		}
		if r.style.faint {
			b.WriteString(` opacity="0.6"`)
		}
		if r.style.italic {
			b.WriteString(` font-style="italic"`)
		}
		switch {
		case r.style.underline && r.style.strike:
			b.WriteString(` text-decoration="underline line-through"`)
		case r.style.underline:
			b.WriteString(` text-decoration="underline"`)
		case r.style.strike:
			b.WriteString(` text-decoration="line-through"`)
		}
		b.WriteString(">")
		xmlText(b, r.text)
		b.WriteString("</text>\n")
	}
}

// foreground is the text colour, "" for the default; reverse video swaps.
func (s sgrState) foreground() string {
	if s.reverse {
		if s.bg == "" {
			return svgBackground
		}
		return s.bg
	}
	return s.fg
}

// background is the cell colour, "" for the default; reverse video swaps.
func (s sgrState) background() string {
	if s.reverse {
		if s.fg == "" {
			return svgForeground
		}
		return s.fg
	}
	return s.bg
}

// parseSGRLine splits one line into runs of one rendition, starting from st,
// and returns the rendition in effect at its end. Cells past cols are cut.
func parseSGRLine(line string, st sgrState, cols int) ([]svgRun, sgrState) {
	var runs []svgRun
	var cur strings.Builder
	col, start, width := 0, 0, 0
	flush := func() {
		if cur.Len() > 0 {
			runs = append(runs, svgRun{col: start, width: width, text: cur.String(), style: st})
		}
		cur.Reset()
		start, width = col, 0
	}
	for i := 0; i < len(line); {
		if line[i] == '\x1b' {
			n, params, final := escapeSequence(line[i:])
			if final == 'm' {
				flush()
				st = st.apply(params)
			}
			i += n
			continue
		}
		r, size := utf8.DecodeRuneInString(line[i:])
		i += size
		if r < 0x20 || r == 0x7f { // other control bytes take no cell
			continue
		}
		w := ansi.StringWidth(string(r))
		if col+w > cols {
			break
		}
		cur.WriteRune(r)
		col += w
		width += w
	}
	flush()
	return runs, st
}

// escapeSequence measures the escape sequence at the start of s (which
// starts with ESC) and, for a CSI, returns its parameters and final byte.
func escapeSequence(s string) (n int, params string, final byte) {
	if len(s) < 2 {
		return len(s), "", 0
	}
	switch s[1] {
	case '[': // CSI: parameters and intermediates, then a final byte 0x40–0x7e
		for i := 2; i < len(s); i++ {
			if c := s[i]; c >= 0x40 && c <= 0x7e {
				return i + 1, s[2:i], c
			}
		}
		return len(s), "", 0
	case ']', 'P', '_', '^': // OSC, DCS, APC, PM: up to BEL or ESC \
		for i := 2; i < len(s); i++ {
			if s[i] == '\a' {
				return i + 1, "", 0
			}
			if s[i] == '\x1b' && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2, "", 0
			}
		}
		return len(s), "", 0
	default:
		return 2, "", 0
	}
}

// apply applies the parameters of one SGR sequence.
func (s sgrState) apply(params string) sgrState {
	fields := strings.FieldsFunc(params, func(r rune) bool { return r == ';' || r == ':' })
	if params == "" || len(fields) == 0 {
		return sgrState{}
	}
	codes := make([]int, len(fields))
	for i, f := range fields {
		codes[i], _ = strconv.Atoi(f)
	}
	for i := 0; i < len(codes); i++ {
		switch c := codes[i]; {
		case c == 0:
			s = sgrState{}
		case c == 1:
			s.bold = true
		case c == 2:
			s.faint = true
		case c == 3:
			s.italic = true
		case c == 4:
			s.underline = true
		case c == 7:
			s.reverse = true
		case c == 9:
			s.strike = true
		case c == 22:
			s.bold, s.faint = false, false
		case c == 23:
			s.italic = false
		case c == 24:
			s.underline = false
		case c == 27:
			s.reverse = false
		case c == 29:
			s.strike = false
		case c >= 30 && c <= 37:
			s.fg = svgPalette[c-30]
		case c >= 90 && c <= 97:
			s.fg = svgPalette[c-90+8]
		case c >= 40 && c <= 47:
			s.bg = svgPalette[c-40]
		case c >= 100 && c <= 107:
			s.bg = svgPalette[c-100+8]
		case c == 39:
			s.fg = ""
		case c == 49:
			s.bg = ""
		case c == 38 || c == 48:
			colour, used := extendedColour(codes[i+1:])
			i += used
			if c == 38 {
				s.fg = colour
			} else {
				s.bg = colour
			}
		}
	}
	return s
}

// extendedColour reads "5;n" (256 colours) or "2;r;g;b" (true colour) after
// a 38 or 48 and returns the colour and how many codes it used.
func extendedColour(codes []int) (string, int) {
	switch {
	case len(codes) >= 2 && codes[0] == 5:
		return colour256(codes[1]), 2
	case len(codes) >= 4 && codes[0] == 2:
		return fmt.Sprintf("#%02x%02x%02x", clampByte(codes[1]), clampByte(codes[2]), clampByte(codes[3])), 4
	default:
		return "", len(codes)
	}
}

// colour256 is the xterm 256-colour palette.
func colour256(n int) string {
	switch {
	case n < 0 || n > 255:
		return ""
	case n < 16:
		return svgPalette[n]
	case n < 232:
		n -= 16
		level := func(v int) int {
			if v == 0 {
				return 0
			}
			return 55 + 40*v
		}
		return fmt.Sprintf("#%02x%02x%02x", level(n/36), level(n/6%6), level(n%6))
	default:
		g := 8 + 10*(n-232)
		return fmt.Sprintf("#%02x%02x%02x", g, g, g)
	}
}

func clampByte(v int) int { return min(max(v, 0), 255) }

// num formats a length without needless decimals.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// xmlText writes s as XML character data.
func xmlText(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(s)) // writes to a bytes.Buffer cannot fail
}

// checkWellFormed fails t unless svg is well-formed XML with an svg root.
func checkWellFormed(t *testing.T, svg []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	root := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Fatalf("SVG root element is %q", root)
	}
}

// svgTexts returns the character data of every <text> element, in order,
// with the fill each one has ("" when inherited).
func svgTexts(t *testing.T, svg []byte) (texts, fills []string) {
	t.Helper()
	var doc struct {
		Title string `xml:"title"`
		Text  []struct {
			Fill string `xml:"fill,attr"`
			Data string `xml:",chardata"`
		} `xml:"text"`
		G struct {
			Text []struct {
				Fill string `xml:"fill,attr"`
				Data string `xml:",chardata"`
			} `xml:"text"`
		} `xml:"g"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil {
		t.Fatal(err)
	}
	for _, tx := range doc.G.Text {
		texts = append(texts, tx.Data)
		fills = append(fills, tx.Fill)
	}
	return texts, fills
}

func TestANSIToSVG(t *testing.T) {
	tests := []struct {
		name       string
		screen     string
		cols       int
		wantTexts  []string
		wantFills  []string
		wantInSVG  []string
		wantOutSVG []string
	}{
		{
			name:      "plain text keeps its spaces",
			screen:    "a  b",
			cols:      10,
			wantTexts: []string{"a  b"},
			wantFills: []string{""},
		},
		{
			name:      "basic, bright, 256 and true colours",
			screen:    "\x1b[31mr\x1b[0m \x1b[92mg\x1b[39m \x1b[38;5;21mb\x1b[0m \x1b[38;2;1;2;3mt\x1b[m",
			cols:      10,
			wantTexts: []string{"r", "g", "b", "t"},
			wantFills: []string{svgPalette[1], svgPalette[10], "#0000ff", "#010203"},
		},
		{
			name:       "reverse video paints the cell with the foreground",
			screen:     "\x1b[7mX\x1b[27m",
			cols:       5,
			wantTexts:  []string{"X"},
			wantFills:  []string{svgBackground},
			wantInSVG:  []string{`width="8.4" height="18" fill="` + svgForeground + `"`},
			wantOutSVG: nil,
		},
		{
			name:      "background and bold",
			screen:    "\x1b[1;48;2;59;53;97m sel \x1b[0m",
			cols:      10,
			wantTexts: []string{" sel "},
			wantFills: []string{""},
			wantInSVG: []string{`fill="#3b3561"`, `font-weight="bold"`},
		},
		{
			name:       "markup in the text is escaped",
			screen:     `<script>&"x"</script>`,
			cols:       40,
			wantTexts:  []string{`<script>&"x"</script>`},
			wantFills:  []string{""},
			wantInSVG:  []string{"&lt;script&gt;&amp;"},
			wantOutSVG: []string{"<script>"},
		},
		{
			name:      "other escapes and control bytes take no cell",
			screen:    "a\x1b]0;title\x07b\x1b[2Kc\x07d",
			cols:      10,
			wantTexts: []string{"abcd"},
			wantFills: []string{""},
		},
		{
			name:      "cut at the terminal's width, wide runes count twice",
			screen:    "日本語x",
			cols:      5,
			wantTexts: []string{"日本"},
			wantFills: []string{""},
			wantInSVG: []string{`textLength="33.6"`},
		},
		{
			name:      "colour carries over a line end",
			screen:    "\x1b[33ma\nb\x1b[0m",
			cols:      5,
			wantTexts: []string{"a", "b"},
			wantFills: []string{svgPalette[3], svgPalette[3]},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg := ansiToSVG(tt.screen, svgOptions{Cols: tt.cols, Rows: 4, Title: "kgroups <demo>"})
			checkWellFormed(t, svg)
			texts, fills := svgTexts(t, svg)
			if strings.Join(texts, "|") != strings.Join(tt.wantTexts, "|") {
				t.Errorf("texts %q, want %q", texts, tt.wantTexts)
			}
			if strings.Join(fills, "|") != strings.Join(tt.wantFills, "|") {
				t.Errorf("fills %q, want %q", fills, tt.wantFills)
			}
			for _, s := range tt.wantInSVG {
				if !bytes.Contains(svg, []byte(s)) {
					t.Errorf("SVG lacks %q:\n%s", s, svg)
				}
			}
			for _, s := range tt.wantOutSVG {
				if bytes.Contains(svg, []byte(s)) {
					t.Errorf("SVG contains %q:\n%s", s, svg)
				}
			}
		})
	}
}
