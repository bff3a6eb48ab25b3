package auth

import (
	"bytes"
	"mime"
)

// unescapeJSONASCII rewrites JSON's escapes of printable ASCII ("\u003d",
// "\u002B", "\/") as the characters themselves, so scrubbing finds a
// secret a vendor's encoder escaped in part: Gson writes "=" as \u003d,
// .NET's System.Text.Json "+" as \u002B, PHP "/" as "\/", and a connector
// decoding the message would turn them back into the token. The JSON
// decodes as before: '"', '\' and control characters stay escaped, and an
// escaped backslash is copied as it is. b is returned as it is when it
// holds no such escape.
func unescapeJSONASCII(b []byte) []byte {
	// Only "\u00" starts a pass: "\/" alone (PHP's JSON, Mailchimp's
	// pages) is a form secretForms has already.
	if !bytes.Contains(b, []byte(`\u00`)) {
		return b
	}
	out := make([]byte, 0, len(b))
	for {
		i := bytes.IndexByte(b, '\\')
		if i < 0 || i+1 == len(b) {
			return append(out, b...)
		}
		out = append(out, b[:i]...)
		if c, n := asciiEscape(b[i:]); n > 0 {
			out = append(out, c)
			b = b[i+n:]
			continue
		}
		out = append(out, b[i], b[i+1]) // another escape, "\\" included
		b = b[i+2:]
	}
}

// asciiEscape reads the escape e starts with: the character it stands for
// and its length, or n = 0 when it is not one unescapeJSONASCII rewrites.
func asciiEscape(e []byte) (c byte, n int) {
	if len(e) >= 2 && e[1] == '/' {
		return '/', 2
	}
	if len(e) < 6 || e[1] != 'u' || e[2] != '0' || e[3] != '0' {
		return 0, 0
	}
	hi, lo := hexDigit(e[4]), hexDigit(e[5])
	if hi < 0 || lo < 0 {
		return 0, 0
	}
	c = byte(hi<<4 | lo)
	if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
		return 0, 0
	}
	return c, 6
}

func hexDigit(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// revealEscaped is b with JSON's escapes of ASCII undone when that shows
// one of forms, else b itself: an answer that quotes no secret keeps its
// every byte (a $batch part's inner Content-Length counts them).
func revealEscaped(b []byte, forms [][]byte) []byte {
	u := unescapeJSONASCII(b)
	if len(u) == len(b) {
		return b // nothing was escaped
	}
	for _, f := range forms {
		if bytes.Contains(u, f) {
			return u
		}
	}
	return b
}

// formsOf lists the byte forms of secrets (secretForms).
func formsOf(secrets []string) [][]byte {
	var forms [][]byte
	for _, sec := range secrets {
		for _, f := range secretForms(sec) {
			forms = append(forms, []byte(f))
		}
	}
	return forms
}

// escapeHold is how many bytes of a streamed body's end may be an escape
// still incomplete ("\u00" of "\u003d").
const escapeHold = 5

// isCSVContent reports a CSV answer (Salesforce's and Zoho's bulk
// results), whose backslashes are data: every other answer is taken for
// JSON, as vendors send JSON under text/plain or no type at all.
func isCSVContent(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "text/csv"
}
