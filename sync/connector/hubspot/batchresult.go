package hubspot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/jsonscan"
)

// batchResponse is BatchResponseSimplePublic(Upsert)Object(WithErrors).
type batchResponse struct {
	Status    string          `json:"status"`
	Results   []hsObject      `json:"results"`
	Errors    []standardError `json:"errors"`
	NumErrors int             `json:"numErrors"`
}

// standardError is one errors[] item of a 207.
type standardError struct {
	Status      string              `json:"status"`
	Category    string              `json:"category"`
	SubCategory any                 `json:"subCategory"`
	Message     string              `json:"message"`
	Context     map[string][]string `json:"context"`
	Errors      []hsErrorDetail     `json:"errors"`
	ID          string              `json:"id"`
}

// resultProps are a batch result's properties. A result is matched to its
// input by objectWriteTraceId where HubSpot echoes it (it does in errors'
// context), else by id, by its idProperty value (upserts) or by the values
// sent (creates). They are checked as they are decoded (an object whose
// values are strings or null, as in SimplePublicObject) but kept raw: an
// upsert needs one value, and a map of boxed strings per record written
// cost more than the rest of its decoding (BenchmarkUpsertResults).
type resultProps struct {
	raw []byte
	m   map[string]*string
}

func (p *resultProps) UnmarshalJSON(b []byte) error {
	*p = resultProps{}
	if string(b) == "null" {
		return nil
	}
	err := jsonscan.Members(b, func(name, v []byte) error {
		if v[0] != '"' && string(v) != "null" {
			return fmt.Errorf("property %q is %s, not a string", name, jsonKind(v[0]))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("results[].properties: %w", err)
	}
	p.raw = bytes.Clone(b) // b is the response buffer, which goes back to the pool
	return nil
}

// jsonKind names the JSON type of a value starting with c.
func jsonKind(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// get returns the property's value, or nil when it is absent or null. It
// scans the raw object for the one name: an upsert's results are matched
// by their idProperty value alone.
func (p *resultProps) get(name string) *string {
	if p.m != nil {
		return p.m[name]
	}
	var out *string
	_ = jsonscan.Members(p.raw, func(n, v []byte) error { // checked by UnmarshalJSON
		if string(n) == name {
			out = nil // a repeated name: the last one counts, as in encoding/json
			if s, err := jsonscan.String(v); err == nil && v[0] == '"' {
				out = &s
			}
		}
		return nil
	})
	return out
}

// all decodes every property once, to match a create by its values.
func (p *resultProps) all() map[string]*string {
	if p.m == nil {
		p.m = map[string]*string{}
		_ = json.Unmarshal(p.raw, &p.m) // checked by UnmarshalJSON
	}
	return p.m
}

func decodeError(b []byte) (hsError, error) {
	var he hsError
	err := json.Unmarshal(b, &he)
	return he, err
}

// assign maps a batch response onto results: successes by trace id (or id,
// key value, or sent properties), then errors by trace id, ids in context,
// or the offending value; what stays unmatched gets the remaining errors in
// order, and anything left an explicit "no result" error.
func assign(object string, kind batchKind, ps []pending, br batchResponse, results []connector.Result) {
	done := make([]bool, len(ps))
	for i := range br.Results {
		o := &br.Results[i]
		j := matchResult(kind, ps, done, o)
		if j < 0 {
			continue
		}
		done[j] = true
		created := kind == kindCreate
		if kind == kindUpsert && o.New != nil {
			created = *o.New
		}
		results[ps[j].idx] = connector.Result{ID: o.ID, Created: created}
		if err := keptStage(object, ps[j], o); err != nil {
			results[ps[j].idx] = connector.Result{Err: err}
		}
	}
	var loose []standardError
	for _, e := range br.Errors {
		js := matchError(object, ps, done, e)
		if len(js) == 0 {
			loose = append(loose, e)
			continue
		}
		for _, j := range js {
			done[j] = true
			results[ps[j].idx] = connector.Result{Err: recordError(object, ps[j], e)}
		}
	}
	var rest []int
	for j := range ps {
		if !done[j] {
			rest = append(rest, j)
		}
	}
	for n, j := range rest {
		var err error
		switch {
		case len(loose) == len(rest):
			err = recordError(object, ps[j], loose[n])
		case len(loose) == 1:
			err = recordError(object, ps[j], loose[0])
		default:
			err = &connector.RecordError{Vendor: vendor, Object: object, RecordID: ps[j].in.ID, Category: connector.CatServer,
				Message: "HubSpot's batch response had no result for this record"}
		}
		results[ps[j].idx] = connector.Result{Err: err}
	}
}

func traceIndex(ps []pending, done []bool, trace string) int {
	if trace == "" {
		return -1
	}
	j, err := strconv.Atoi(trace)
	if err != nil || j < 0 || j >= len(ps) || done[j] {
		return -1
	}
	return j
}

func matchResult(kind batchKind, ps []pending, done []bool, o *hsObject) int {
	if j := traceIndex(ps, done, o.ObjectWriteTraceID); j >= 0 {
		return j
	}
	best, bestScore := -1, 0
	var key *string // the result's idProperty value, read once
	keyName, keyRead := "", false
	for j, p := range ps {
		if done[j] {
			continue
		}
		switch kind {
		case kindUpdate:
			if p.in.ID == o.ID {
				return j
			}
		case kindUpsert:
			if !keyRead || keyName != p.in.IDProperty {
				key, keyName, keyRead = o.Properties.get(p.in.IDProperty), p.in.IDProperty, true
			}
			if key != nil && strings.EqualFold(*key, p.in.ID) {
				return j
			}
		case kindCreate:
			// Score how many sent values came back; HubSpot may normalise
			// case (emails), so compare case-insensitively.
			score := 1
			for k, want := range p.in.Properties {
				got := o.Properties.all()[k]
				if got == nil && want == "" {
					continue
				}
				if got == nil || !strings.EqualFold(strings.TrimSpace(*got), strings.TrimSpace(want)) {
					score = 0
					break
				}
			}
			if score > bestScore {
				best, bestScore = j, score
			}
			if best >= 0 {
				return best
			}
		}
	}
	return best
}

// matchError finds the inputs an errors[] item is about.
func matchError(object string, ps []pending, done []bool, e standardError) []int {
	for _, k := range []string{"objectWriteTraceId", "objectWriteTraceIds"} {
		var js []int
		for _, t := range e.Context[k] {
			if j := traceIndex(ps, done, t); j >= 0 {
				js = append(js, j)
			}
		}
		if len(js) > 0 {
			return js
		}
	}
	var js []int
	for _, k := range []string{"ids", "id"} {
		for j, p := range ps {
			if !done[j] && p.in.ID != "" && slices.Contains(e.Context[k], p.in.ID) {
				js = append(js, j)
			}
		}
	}
	if len(js) > 0 {
		return js
	}
	// The vendor's message often quotes the bad value ("Email address x is
	// invalid"); take the first unmatched input whose value it quotes.
	field := blamedField(object, e)
	for j, p := range ps {
		if done[j] {
			continue
		}
		v := p.in.Properties[field]
		if field == p.in.IDProperty && field != "" {
			v = p.in.ID
		}
		if v == "" {
			continue
		}
		if strings.Contains(e.Message, v) || slices.ContainsFunc(e.Errors, func(d hsErrorDetail) bool { return strings.Contains(d.Message, v) }) {
			return []int{j}
		}
	}
	return nil
}

// invalidValues starts HubSpot's refusal of property values, whose
// message carries the details as a JSON array
// ([{"isValid":false,"message":…,"error":"INVALID_EMAIL","name":"email"}]);
// such a body has no errors[].
const invalidValues = "Property values were not valid: "

// details returns an error's errors[], or, when it has none, those its
// message carries (invalidValues): the code as code, the property as in.
func details(message string, have []hsErrorDetail) []hsErrorDetail {
	rest, ok := strings.CutPrefix(message, invalidValues)
	if len(have) > 0 || !ok {
		return have
	}
	var items []struct {
		Message string `json:"message"`
		Error   string `json:"error"`
		Name    string `json:"name"`
	}
	if json.Unmarshal([]byte(rest), &items) != nil {
		return have
	}
	out := make([]hsErrorDetail, 0, len(items))
	for _, it := range items {
		out = append(out, hsErrorDetail{Message: it.Message, Code: it.Error, In: it.Name})
	}
	return out
}

// blamedField is the property an error names: errors[].in, then
// errors[].context.propertyName, then context.propertyName.
func blamedField(object string, e standardError) string {
	for _, d := range details(e.Message, e.Errors) {
		if d.In != "" {
			return d.In
		}
		if pn := d.Context["propertyName"]; len(pn) > 0 {
			return pn[0]
		}
	}
	if pn := e.Context["propertyName"]; len(pn) > 0 {
		return pn[0]
	}
	if len(e.Context["toObjectId"]) > 0 {
		return refField(object) // the only association a create input carries
	}
	return ""
}

// recordError turns an errors[] item into a *connector.RecordError.
func recordError(object string, p pending, e standardError) *connector.RecordError {
	re := &connector.RecordError{Vendor: vendor, Object: object, RecordID: p.in.ID, Field: blamedField(object, e),
		Code: e.Category, Message: e.Message}
	switch e.Category {
	case "VALIDATION_ERROR":
		re.Category = connector.CatValidation
	case "CONFLICT":
		re.Category = connector.CatConflict
		// A value HubSpot keeps unique (a contact's email, a unique
		// property) held by another record: the engine asks a person
		// whether that record is this one rather than failing every run.
		re.Duplicates = existingIDs(e)
		if re.Field == "" && object == "contacts" && strings.HasPrefix(e.Message, "Contact already exists") {
			re.Field = "email" // the one value HubSpot keeps unique on every contact
		}
	case "OBJECT_NOT_FOUND":
		re.Category = connector.CatNotFound
	default:
		if st, err := strconv.Atoi(e.Status); err == nil {
			re.Category = statusCategory(st)
		} else {
			re.Category = connector.CatServer
		}
	}
	if ds := details(e.Message, e.Errors); len(ds) == 1 {
		if ds[0].Code != "" {
			re.Code = ds[0].Code
		}
		if ds[0].Message != "" {
			re.Message = ds[0].Message
		}
	}
	if re.Message == "" {
		re.Message = "rejected without a message"
	}
	return re
}

// existingIDs are the records a CONFLICT says hold the value: its
// context's existingId, else the id its message names ("Contact already
// exists. Existing ID: 123").
func existingIDs(e standardError) []string {
	if ids := e.Context["existingId"]; len(ids) > 0 {
		return ids
	}
	_, after, ok := strings.Cut(e.Message, "Existing ID: ")
	if n := strings.IndexFunc(after, func(r rune) bool { return r < '0' || r > '9' }); n >= 0 {
		after = after[:n]
	}
	if !ok || after == "" {
		return nil
	}
	return []string{after}
}
