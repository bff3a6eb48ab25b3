// Package jsonscan checks JSON in one pass (Valid) and walks the members of
// an object (Members) or the elements of an array (Elements) without
// building a map. A vendor's page of records is decoded once per run for
// every record read: through encoding/json into a map per record, that was
// a map, its keys and a boxed value per field, and the largest share of
// what a 100k-contact first sync allocated (BENCHMARKS.md, fixes 32 and
// 36). Members and Elements expect input already checked (by Valid or by
// encoding/json); on anything else they return an error, never panic.
// AppendFields and AppendJSONString write flat objects of strings, for the
// same reason, as json.Marshal writes them (fix 37).
package jsonscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"
)

var (
	errSyntax = errors.New("jsonscan: not a JSON object")
	errArray  = errors.New("jsonscan: not a JSON array")
)

// Members calls fn for each member of the JSON object obj, in order, with
// the member's name (decoded; it may share obj's memory, so copy it to keep
// it) and its value as a slice of obj. It stops at fn's first error.
func Members(obj []byte, fn func(name, value []byte) error) error {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return errSyntax
	}
	i = skipSpace(obj, i+1)
	if i < len(obj) && obj[i] == '}' {
		return nil
	}
	for {
		if i >= len(obj) || obj[i] != '"' {
			return errSyntax
		}
		end, err := stringEnd(obj, i)
		if err != nil {
			return err
		}
		name, err := unquote(obj[i:end])
		if err != nil {
			return err
		}
		i = skipSpace(obj, end)
		if i >= len(obj) || obj[i] != ':' {
			return errSyntax
		}
		i = skipSpace(obj, i+1)
		end, err = valueEnd(obj, i)
		if err != nil {
			return err
		}
		if err := fn(name, obj[i:end]); err != nil {
			return err
		}
		i = skipSpace(obj, end)
		switch {
		case i < len(obj) && obj[i] == ',':
			i = skipSpace(obj, i+1)
		case i < len(obj) && obj[i] == '}':
			return nil
		default:
			return errSyntax
		}
	}
}

// String decodes the JSON string v. Most values carry no escape and are
// sliced directly; the rest go through encoding/json.
func String(v []byte) (string, error) {
	if fast(v) {
		return string(v[1 : len(v)-1]), nil
	}
	var s string
	err := json.Unmarshal(v, &s)
	return s, err
}

// fast reports whether v is a JSON string without escapes, whose contents
// are its bytes between the quotes.
func fast(v []byte) bool {
	return len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' && bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v)
}

// unquote returns the contents of the JSON string v, sharing v's memory
// when it holds no escape.
func unquote(v []byte) ([]byte, error) {
	if fast(v) {
		return v[1 : len(v)-1], nil
	}
	s, err := String(v)
	return []byte(s), err
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index just past the string that starts at b[i].
func stringEnd(b []byte, i int) (int, error) {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1, nil
		}
	}
	return 0, errSyntax
}

// valueEnd returns the index just past the value that starts at b[i].
func valueEnd(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errSyntax
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				end, err := stringEnd(b, i)
				if err != nil {
					return 0, err
				}
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, nil
				}
			}
			i++
		}
		return 0, errSyntax
	case ',', '}', ']', ':':
		return 0, errSyntax
	}
	start := i
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
		i++
	}
	if i == start {
		return 0, errSyntax
	}
	return i, nil
}

// MatchesFolded reports whether name equals one of names without regard to
// case, as encoding/json matches a member to a struct field: a decoder that
// reads only exact names must leave such a member to encoding/json.
func MatchesFolded(name []byte, names ...string) bool {
	for _, n := range names {
		if strings.EqualFold(string(name), n) {
			return true
		}
	}
	return false
}

// ErrRepeated is CheckedMembers' refusal of a member name that comes twice.
var ErrRepeated = errors.New("jsonscan: a member comes twice")

// CheckedMembers checks b whole (Valid) and then calls fn for each member
// of the object b, as Members does. It refuses a name that comes twice
// (ErrRepeated): encoding/json merges a repeated member into the first, so
// a decoder that wants to read as encoding/json does must leave such an
// object to it.
func CheckedMembers(b []byte, fn func(name, value []byte) error) error {
	if !Valid(b) {
		return errSyntax
	}
	seen := map[string]bool{}
	return Members(b, func(name, value []byte) error {
		if seen[string(name)] {
			return ErrRepeated
		}
		seen[string(name)] = true
		return fn(name, value)
	})
}
