package auth

import (
	"bytes"
	"io"
	"slices"
)

// scrubReader streams a response body with every secret form replaced by
// [redacted]. Successful answers carry vendor text too (HubSpot's 207 and
// Salesforce's composite 200 hold per-record errors[].message, which some
// vendors fill with echoed input), yet reads must keep streaming pages of
// any size: only the tail a secret could still be completing is held back.
type scrubReader struct {
	src   io.ReadCloser
	forms [][]byte
	keep  int    // the longest form's length less one
	buf   []byte // read, not yet scanned to the end
	out   []byte // scrubbed, not yet returned
	err   error  // the source's error, returned once out is empty
	chunk []byte
	// notJSON: a CSV body, whose "\u003d" is data, not an escape; it is
	// not unescaped.
	notJSON bool
}

// newScrubReader wraps body, or returns it as it is when there is nothing
// to scrub.
func newScrubReader(body io.ReadCloser, secrets []string) io.ReadCloser {
	var forms [][]byte
	keep := 0
	for _, sec := range secrets {
		for _, f := range secretForms(sec) {
			if slices.ContainsFunc(forms, func(g []byte) bool { return string(g) == f }) {
				continue // most tokens read the same in every escaping
			}
			forms = append(forms, []byte(f))
			keep = max(keep, len(f)-1)
		}
	}
	if len(forms) == 0 {
		return body
	}
	return &scrubReader{src: body, forms: forms, keep: keep}
}

func (s *scrubReader) Read(p []byte) (int, error) {
	for len(s.out) == 0 && s.err == nil {
		s.fill()
	}
	if len(s.out) == 0 {
		return 0, s.err
	}
	n := copy(p, s.out)
	s.out = s.out[n:]
	return n, nil
}

func (s *scrubReader) Close() error { return s.src.Close() }

// fill reads one chunk and moves what is scanned into out: every complete
// secret replaced (JSON's escapes of ASCII undone first where that shows
// one, revealEscaped), and all but the last keep bytes released, since a
// secret that starts in them may end in the next chunk.
func (s *scrubReader) fill() {
	if s.chunk == nil {
		s.chunk = make([]byte, 32<<10)
	}
	n, err := s.src.Read(s.chunk)
	s.buf = append(s.buf, s.chunk[:n]...)
	if !s.notJSON {
		s.buf = revealEscaped(s.buf, s.forms)
	}
	s.err = err
	for {
		i, f := s.firstForm()
		if i < 0 {
			break
		}
		s.out = append(s.out, s.buf[:i]...)
		s.out = append(s.out, "[redacted]"...)
		s.buf = s.buf[i+len(f):]
	}
	release := len(s.buf)
	if s.err == nil {
		// Kept too: an escape still incomplete, a secret written escaped
		// (up to six bytes a character), and a run of backslashes whole,
		// so the next pass reads every escape from its start.
		hold := s.keep + escapeHold
		if !s.notJSON && bytes.Contains(s.buf, []byte(`\u00`)) {
			hold = 6*(s.keep+1) + escapeHold
		}
		release = max(0, len(s.buf)-hold)
		for release > 0 && s.buf[release-1] == '\\' {
			release--
		}
	}
	s.out = append(s.out, s.buf[:release]...)
	s.buf = append(s.buf[:0:0], s.buf[release:]...)
}

// firstForm finds the earliest secret form in buf: its index (-1: none)
// and the form, the longest where several start there.
func (s *scrubReader) firstForm() (int, []byte) {
	at, form := -1, []byte(nil)
	for _, f := range s.forms {
		i := indexForm(s.buf, f)
		if i >= 0 && (at < 0 || i < at || i == at && len(f) > len(form)) {
			at, form = i, f
		}
	}
	return at, form
}

// probeLen is how much of a form indexForm looks for first. bytes.Index is
// vectorized for needles up to 63 bytes (amd64) and falls back to
// Rabin-Karp over the whole page for longer ones, as tokens are: that cost
// about 8 % of a 10k bench's CPU, every page read being scanned.
const probeLen = 32

// indexForm is bytes.Index(buf, f), found by f's first probeLen bytes and
// then compared whole. A form cut off at buf's end is not found here; fill
// keeps that tail for the next chunk.
func indexForm(buf, f []byte) int {
	if len(f) <= probeLen {
		return bytes.Index(buf, f)
	}
	for off := 0; ; {
		i := bytes.Index(buf[off:], f[:probeLen])
		if i < 0 {
			return -1
		}
		if i += off; bytes.HasPrefix(buf[i:], f) {
			return i
		}
		off = i + 1
	}
}
