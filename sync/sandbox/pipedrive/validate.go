package pipedrive

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// API v2 validates strictly: booleans are true/false only and numeric fields no
// longer coerce strings (migration guide, "General API Changes").

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

func parseStringValue(raw json.RawMessage, where string) (string, error) {
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", fmt.Errorf("%s must be a string", where)
	}
	return v, nil
}

func parseNumber(raw json.RawMessage, where string) (json.Number, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] == '"' {
		return "", fmt.Errorf("%s must be a number", where)
	}
	dec := json.NewDecoder(bytes.NewReader(t))
	dec.UseNumber()
	var n json.Number
	if err := dec.Decode(&n); err != nil {
		return "", fmt.Errorf("%s must be a number", where)
	}
	return n, nil
}

func parseInt(raw json.RawMessage, where string) (int64, error) {
	n, err := parseNumber(raw, where)
	if err != nil {
		return 0, fmt.Errorf("%s must be an integer", where)
	}
	v, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s must be an integer", where)
	}
	return v, nil
}

func parseBool(raw json.RawMessage, where string) (bool, error) {
	var b bool
	if err := json.Unmarshal(raw, &b); err != nil {
		return false, fmt.Errorf("%s must be a boolean", where)
	}
	return b, nil
}

// parseObject decodes a JSON object and refuses keys outside allowed.
func parseObject(raw json.RawMessage, where string, allowed ...string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, fmt.Errorf("%s must be an object", where)
	}
	for k := range m {
		if !contains(allowed, k) {
			return nil, fmt.Errorf("%s: unknown property %q", where, k)
		}
	}
	return m, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// parseContacts reads emails, phones or im: objects only, value required, label
// default "work", at most one primary and the first primary when none is
// (migration guide, POST /api/v2/persons).
func parseContacts(raw json.RawMessage, where string) ([]contact, error) {
	if isNull(raw) {
		return []contact{}, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("%s must be an array of objects", where)
	}
	out := make([]contact, 0, len(items))
	primaries := 0
	for i, it := range items {
		at := fmt.Sprintf("%s[%d]", where, i)
		obj, err := parseObject(it, at, "value", "primary", "label")
		if err != nil {
			return nil, err
		}
		c := contact{Label: "work"}
		v, ok := obj["value"]
		if !ok || isNull(v) {
			return nil, fmt.Errorf("%s.value is required", at)
		}
		if c.Value, err = parseStringValue(v, at+".value"); err != nil {
			return nil, err
		}
		if p, ok := obj["primary"]; ok && !isNull(p) {
			if c.Primary, err = parseBool(p, at+".primary"); err != nil {
				return nil, err
			}
		}
		if l, ok := obj["label"]; ok && !isNull(l) {
			if c.Label, err = parseStringValue(l, at+".label"); err != nil {
				return nil, err
			}
		}
		if c.Primary {
			primaries++
		}
		out = append(out, c)
	}
	if primaries > 1 {
		return nil, fmt.Errorf("%s: only one value can be marked as primary", where)
	}
	if primaries == 0 && len(out) > 0 {
		out[0].Primary = true
	}
	return out, nil
}

func parseIntList(raw json.RawMessage, where string) ([]int64, error) {
	if isNull(raw) {
		return []int64{}, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("%s must be an array of integers", where)
	}
	out := make([]int64, 0, len(items))
	for i, it := range items {
		v, err := parseInt(it, fmt.Sprintf("%s[%d]", where, i))
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// parseRFC3339 reads a v2 timestamp (2024-01-01T00:00:00Z or with milliseconds).
func parseRFC3339(v, where string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s must be in RFC 3339 format, e.g. 2025-01-01T10:20:00Z", where)
	}
	return t.UTC(), nil
}

// checkDate accepts a date in YYYY-MM-DD form.
func checkDate(v, where string) error {
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return fmt.Errorf("%s must be a date in YYYY-MM-DD format", where)
	}
	return nil
}

// optDate reads a nullable YYYY-MM-DD date.
func optDate(raw json.RawMessage, where string) (*string, error) {
	v, err := optString(raw, where)
	if err == nil && v != nil {
		err = checkDate(*v, where)
	}
	return v, err
}

// splitList splits a comma-separated query value, dropping blanks.
func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

const (
	defaultLimit = 100 // "If not provided, 100 items will be returned."
	maxLimit     = 500 // "Please note that a maximum value of 500 is allowed."
)

// parseLimit reads limit; over 500 is refused unless Options.ClampLimit.
func (s *Sim) parseLimit(v string) (int, error) {
	if v == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("limit must be a positive integer")
	}
	if n > maxLimit {
		if s.opts.ClampLimit {
			return maxLimit, nil
		}
		return 0, fmt.Errorf("limit must be less than or equal to %d", maxLimit)
	}
	return n, nil
}

// parseSort reads sort_by, one of fields (the first is the default), and sort_direction.
func parseSort(q url.Values, fields ...string) (by string, asc bool, err error) {
	by, asc = fields[0], true
	if v := q.Get("sort_by"); v != "" {
		if !slices.Contains(fields, v) {
			return "", false, fmt.Errorf("sort_by must be one of %s", strings.Join(fields, ", "))
		}
		by = v
	}
	switch q.Get("sort_direction") {
	case "", "asc":
	case "desc":
		asc = false
	default:
		return "", false, fmt.Errorf("sort_direction must be one of asc, desc")
	}
	return by, asc, nil
}

// offsetPage is a limit and an offset cursor, the paging of search results, field
// lists, pipelines and stages.
type offsetPage struct{ offset, limit int }

func (s *Sim) parseOffsetPage(q url.Values) (offsetPage, error) {
	limit, err := s.parseLimit(q.Get("limit"))
	if err != nil {
		return offsetPage{}, err
	}
	var cur offsetCursor
	if c := q.Get("cursor"); c != "" {
		if err := decodeCursor(c, &cur); err != nil || cur.Offset < 0 {
			return offsetPage{}, errors.New("Invalid cursor")
		}
	}
	return offsetPage{cur.Offset, limit}, nil
}

// window bounds the page in n items and gives the next page's cursor, "" on the last.
func (p offsetPage) window(n int) (start, end int, next string) {
	start = min(p.offset, n)
	end = min(start+p.limit, n)
	if end < n {
		next = encodeCursor(offsetCursor{Offset: end})
	}
	return start, end, next
}
