package salesforce

import "strings"

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// makeID builds an 18-character Salesforce id: 3-char key prefix, pod/instance
// chars, a base62 counter, then the case-safe 3-char checksum suffix.
func makeID(prefix string, n int64) string {
	var body [10]byte
	for i := len(body) - 1; i >= 0; i-- {
		body[i] = base62[n%62]
		n /= 62
	}
	id15 := prefix + "8d" + string(body[:])
	return id15 + checksum(id15)
}

// checksum computes the suffix that makes 15-char ids case-insensitively unique.
func checksum(id15 string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	var out [3]byte
	for chunk := 0; chunk < 3; chunk++ {
		bits := 0
		for i := 0; i < 5; i++ {
			c := id15[chunk*5+i]
			if c >= 'A' && c <= 'Z' {
				bits |= 1 << i
			}
		}
		out[chunk] = alphabet[bits]
	}
	return string(out[:])
}

// normID returns the canonical 15-char key of a 15- or 18-char id, or "" if malformed.
func normID(id string) string {
	switch len(id) {
	case 15:
		return id
	case 18:
		if !strings.EqualFold(checksum(id[:15]), id[15:]) {
			return ""
		}
		return id[:15]
	}
	return ""
}
