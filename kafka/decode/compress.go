package decode

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"

	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// Caps on decompressing a value for display, against decompression bombs:
// never more than MaxDecompressed bytes out, and never more than MaxRatio
// times the compressed size (past the first RatioFloor bytes, so small
// values of repetitive JSON still open).
const (
	MaxDecompressed = 16 << 20
	MaxRatio        = 200
	RatioFloor      = 1 << 20
)

// codec is a compression format recognised by its magic bytes.
type codec struct {
	name   string
	magic  []byte
	reader func(io.Reader) (io.Reader, func(), error)
}

var codecs = []codec{
	{"gzip", []byte{0x1f, 0x8b}, func(r io.Reader) (io.Reader, func(), error) {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, err
		}
		return zr, func() { zr.Close() }, nil
	}},
	{"zstd", []byte{0x28, 0xb5, 0x2f, 0xfd}, func(r io.Reader) (io.Reader, func(), error) {
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(MaxDecompressed+1))
		if err != nil {
			return nil, nil, err
		}
		return zr, zr.Close, nil
	}},
	{"lz4", []byte{0x04, 0x22, 0x4d, 0x18}, func(r io.Reader) (io.Reader, func(), error) {
		return lz4.NewReader(r), func() {}, nil
	}},
	// The snappy framing format's stream identifier chunk; s2's reader
	// reads snappy framed streams.
	{"snappy", []byte("\xff\x06\x00\x00sNaPpY"), func(r io.Reader) (io.Reader, func(), error) {
		return s2.NewReader(r, s2.ReaderMaxBlockSize(4<<20)), func() {}, nil
	}},
}

// sniffCompression returns the codec whose magic bytes b starts with.
func sniffCompression(b []byte) *codec {
	for i := range codecs {
		if bytes.HasPrefix(b, codecs[i].magic) {
			return &codecs[i]
		}
	}
	return nil
}

// decompressLimit is how many bytes a compressed value of n bytes may
// decompress to.
func decompressLimit(n int) int {
	return min(MaxDecompressed, max(RatioFloor, MaxRatio*n))
}

// decompress decompresses b with c within decompressLimit.
func decompress(c *codec, b []byte) ([]byte, error) {
	limit := decompressLimit(len(b))
	r, closeFn, err := c.reader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: corrupt: %v", c.name, err)
	}
	defer closeFn()
	out, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if len(out) > limit {
		return nil, fmt.Errorf("%s: refused: decompresses to more than %s from %d bytes (cap %s, at most %d× the compressed size)",
			c.name, sizeOf(limit), len(b), sizeOf(MaxDecompressed), MaxRatio)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: corrupt: %v", c.name, err)
	}
	return out, nil
}

// sizeOf prints n bytes for people: "16 MiB", "1.5 KiB", "212 B".
func sizeOf(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
