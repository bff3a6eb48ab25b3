package auth

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestScrubReaderAcrossReads: a secret split over the source's reads
// (one byte each, and chunks of 32 KiB around it) is still redacted, and
// every other byte comes through in order.
func TestScrubReaderAcrossReads(t *testing.T) {
	const tok = "tok-SECRET/abc+123"
	pad := strings.Repeat("x", 32<<10-5) // the token straddles the first chunk's end
	in := `{"errors":[{"message":"` + pad + `Bearer ` + tok + ` and ` + strings.ReplaceAll(tok, "/", `\/`) + `"}]}` + tok
	want := `{"errors":[{"message":"` + pad + `Bearer [redacted] and [redacted]"}]}[redacted]`
	for name, src := range map[string]io.Reader{"one byte": iotest.OneByteReader(strings.NewReader(in)), "whole": strings.NewReader(in)} {
		got, err := io.ReadAll(newScrubReader(io.NopCloser(src), []string{tok}))
		if err != nil || string(got) != want {
			t.Errorf("%s: %v, %d bytes, token left: %v, want %d bytes", name, err, len(got), strings.Contains(string(got), tok), len(want))
		}
	}
}

// TestScrubReaderLongToken: a token longer than indexForm's probe is found
// past near misses that share its first bytes, whole or split across reads.
func TestScrubReaderLongToken(t *testing.T) {
	tok := strings.Repeat("A1b2C3d4", 12) + "/end" // 100 bytes
	near := tok[:probeLen+10] + "X"                // shares the probe, then differs
	pad := strings.Repeat("y", 32<<10-40)          // the token straddles the first chunk's end
	in := near + " " + pad + tok + " " + near + tok
	want := near + " " + pad + "[redacted] " + near + "[redacted]"
	for name, src := range map[string]io.Reader{"one byte": iotest.OneByteReader(strings.NewReader(in)), "whole": strings.NewReader(in)} {
		got, err := io.ReadAll(newScrubReader(io.NopCloser(src), []string{tok}))
		if err != nil || string(got) != want {
			t.Errorf("%s: %v, %d bytes, token left: %v, want %d bytes", name, err, len(got), strings.Contains(string(got), tok), len(want))
		}
	}
}
