package model

import "unicode/utf8"

// maxJSONDepth is the deepest nesting encoding/json accepts.
const maxJSONDepth = 10000

// appendCompactJSON appends data without its insignificant white space when
// data is exactly one JSON value in valid UTF-8, the same bytes json.Compact
// gives for what json.Valid and utf8.Valid accept, reading data once. When
// it is not, it returns b unchanged and false.
func appendCompactJSON(b, data []byte) ([]byte, bool) {
	return scanJSON(b, data, true, maxJSONDepth)
}

// validJSON reports whether data is exactly one JSON value in valid UTF-8,
// nested to any depth, reading it once without copying it.
func validJSON(data []byte) bool {
	_, ok := scanJSON(nil, data, false, -1)
	return ok
}

// scanJSON reads data as one JSON value, appending it compacted to b when
// emit; past maxDepth levels of nesting (when not negative) it is refused.
func scanJSON(b, data []byte, emit bool, maxDepth int) ([]byte, bool) {
	orig := len(b)
	var stackBuf [64]byte
	stack := stackBuf[:0] // '{' or '[' per open container
	i, n := 0, len(data)
	ws := func() {
		for i < n && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
			i++
		}
	}
	const (
		expectValue = iota
		expectKey
		expectAfter
	)
	state := expectValue
	for {
		ws()
		switch state {
		case expectKey:
			if i >= n || data[i] != '"' {
				return b[:orig], false
			}
			var ok bool
			if b, i, ok = appendJSONStringToken(b, data, i, emit); !ok {
				return b[:orig], false
			}
			ws()
			if i >= n || data[i] != ':' {
				return b[:orig], false
			}
			if emit {
				b = append(b, ':')
			}
			i++
			state = expectValue
		case expectValue:
			if i >= n {
				return b[:orig], false
			}
			switch c := data[i]; {
			case c == '{' || c == '[':
				if maxDepth >= 0 && len(stack) >= maxDepth {
					return b[:orig], false
				}
				stack = append(stack, c)
				if emit {
					b = append(b, c)
				}
				i++
				ws()
				if i < n && data[i] == c+2 { // '}' and ']' are 2 past '{' and '['
					stack = stack[:len(stack)-1]
					if emit {
						b = append(b, c+2)
					}
					i++
					state = expectAfter
				} else if c == '{' {
					state = expectKey
				}
			case c == '"':
				var ok bool
				if b, i, ok = appendJSONStringToken(b, data, i, emit); !ok {
					return b[:orig], false
				}
				state = expectAfter
			case c == '-' || (c >= '0' && c <= '9'):
				end := scanJSONNumber(data, i)
				if end < 0 {
					return b[:orig], false
				}
				if emit {
					b = append(b, data[i:end]...)
				}
				i = end
				state = expectAfter
			default:
				lit := ""
				switch c {
				case 't':
					lit = "true"
				case 'f':
					lit = "false"
				case 'n':
					lit = "null"
				}
				if lit == "" || n-i < len(lit) || string(data[i:i+len(lit)]) != lit {
					return b[:orig], false
				}
				if emit {
					b = append(b, lit...)
				}
				i += len(lit)
				state = expectAfter
			}
		case expectAfter:
			if len(stack) == 0 {
				if i != n {
					return b[:orig], false
				}
				return b, true
			}
			if i >= n {
				return b[:orig], false
			}
			top := stack[len(stack)-1]
			switch c := data[i]; {
			case c == ',':
				if emit {
					b = append(b, ',')
				}
				i++
				if top == '{' {
					state = expectKey
				} else {
					state = expectValue
				}
			case c == top+2:
				stack = stack[:len(stack)-1]
				if emit {
					b = append(b, c)
				}
				i++
			default:
				return b[:orig], false
			}
		}
	}
}

// appendJSONStringToken appends the JSON string starting at data[i] (a
// quote) as it is, and returns the index past it; false when it is not a
// valid JSON string in valid UTF-8.
func appendJSONStringToken(b, data []byte, i int, emit bool) ([]byte, int, bool) {
	start := i
	i++
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			if !emit {
				return b, i + 1, true
			}
			return append(b, data[start:i+1]...), i + 1, true
		case c == '\\':
			if i+1 >= len(data) {
				return b, i, false
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(data) {
					return b, i, false
				}
				for _, h := range data[i+2 : i+6] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return b, i, false
					}
				}
				i += 6
			default:
				return b, i, false
			}
		case c < 0x20:
			return b, i, false
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				return b, i, false
			}
			i += size
		}
	}
	return b, i, false
}

// scanJSONNumber returns the index past the JSON number at data[i], or -1.
func scanJSONNumber(data []byte, i int) int {
	n := len(data)
	digits := func() int {
		s := i
		for i < n && data[i] >= '0' && data[i] <= '9' {
			i++
		}
		return i - s
	}
	if data[i] == '-' {
		i++
	}
	switch {
	case i < n && data[i] == '0':
		i++
	case i < n && data[i] >= '1' && data[i] <= '9':
		digits()
	default:
		return -1
	}
	if i < n && data[i] == '.' {
		i++
		if digits() == 0 {
			return -1
		}
	}
	if i < n && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < n && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if digits() == 0 {
			return -1
		}
	}
	return i
}
