package store

import (
	"encoding/json"
	"strconv"
	"strings"
	"unsafe"

	"github.com/crmsync/crmsync/sync/connector/jsonscan"
)

// The index stores each record's fields, and each link its base, as a flat
// JSON object of strings. encoding/json spends most of its time on
// reflection for such objects: at 100k records per side, decoding them was
// about 6 % of a first sync's CPU. These two functions read and write the
// same JSON by hand; anything they do not expect goes to encoding/json.

// EncodeFields renders m as a JSON object with sorted keys (as
// json.Marshal does), so equal maps give equal strings. encoding/json reads
// it back as m (TestFieldsCodecMatchesEncodingJSON).
func EncodeFields(m map[string]string) string {
	n := 2
	for k, v := range m {
		n += len(k) + len(v) + 6
	}
	b := jsonscan.AppendFields(make([]byte, 0, n), m)
	// The buffer is never written again, so it becomes the string without
	// a copy (as strings.Builder does): half of EncodeFields' allocation,
	// which indexes and links every record synced.
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// DecodeFields reads a flat JSON object of strings as the store writes it
// (record fields, link bases). A damaged value reads as empty: the store
// wrote it, and one bad row must not stop a run.
func DecodeFields(s string) map[string]string {
	if s == "" || s == "{}" {
		return map[string]string{}
	}
	if m, ok := decodeFlat(s); ok {
		return m
	}
	m := map[string]string{}
	_ = json.Unmarshal([]byte(s), &m)
	return m
}

// decodeFlat parses {"k":"v",...} without escapes other than those
// strconv.Unquote reads the same way as JSON; ok is false for anything else.
func decodeFlat(s string) (map[string]string, bool) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, false
	}
	m := make(map[string]string, strings.Count(s, `":"`))
	i := 1
	if s[i] == '}' {
		return m, i == len(s)-1
	}
	for {
		k, next, ok := flatString(s, i)
		if !ok || next >= len(s) || s[next] != ':' {
			return nil, false
		}
		v, after, ok := flatString(s, next+1)
		if !ok || after >= len(s) {
			return nil, false
		}
		m[k] = v
		switch s[after] {
		case ',':
			i = after + 1
		case '}':
			return m, after == len(s)-1
		default:
			return nil, false
		}
	}
}

// flatString reads the JSON string starting at s[i] == '"' and returns it
// and the index after its closing quote.
func flatString(s string, i int) (string, int, bool) {
	if i >= len(s) || s[i] != '"' {
		return "", 0, false
	}
	escaped := false
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			escaped = true
			j++ // skip the escaped character (\u's digits are plain)
		case '"':
			if !escaped {
				return s[i+1 : j], j + 1, true
			}
			// \/ is JSON only, and Go's \x, \a and octal escapes are not JSON.
			if strings.Contains(s[i:j], `\/`) {
				return "", 0, false
			}
			v, err := strconv.Unquote(s[i : j+1])
			if err != nil || !json.Valid([]byte(s[i:j+1])) {
				return "", 0, false
			}
			return v, j + 1, true
		}
	}
	return "", 0, false
}
