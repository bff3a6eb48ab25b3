package dynamics

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// A maker can change a Decimal or Float column's Precision at any time,
// while the table's definition is cached for a day (definitionKey). A
// value written at the old places is then stored rounded to the new ones,
// and the next run, comparing at the old places, would take Dataverse's
// rounding for an edit there and copy it back over the other side's
// value. So a write of such a column asks for the stored values back (in
// the same $batch: no extra call), and a stored value other than the one
// sent drops the cached definition: the next run compares at the places
// Dataverse keeps now.

// numberColumns are the Decimal and Float columns op writes a value to,
// sorted.
func numberColumns(sc *schema, op connector.Op) []string {
	var out []string
	for name, v := range op.Fields {
		if t := sc.types[name]; (t == "Decimal" || t == "Double") && strings.TrimSpace(v) != "" {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// askStoredNumbers makes req answer with the row's values of the number
// columns op writes (Prefer: return=representation, $select). For a
// create sent as two requests (createOp's then: a row made Inactive or
// completed) the create, which carries the numbers and answers for the
// pair (changesetAnswer), asks: left out, a lowered precision went
// unnoticed and its rounding was copied back over the other side's value.
func askStoredNumbers(sc *schema, op connector.Op, req operation) operation {
	cols := numberColumns(sc, op)
	if len(cols) == 0 || req.method != http.MethodPatch {
		return req
	}
	req.header = req.header.Clone()
	if req.header == nil {
		req.header = http.Header{}
	}
	if !slices.Contains(req.header.Values("Prefer"), "return=representation") {
		req.header.Add("Prefer", "return=representation")
	}
	if strings.Contains(req.path, "?$select=") {
		req.path += "," + strings.Join(cols, ",")
	} else {
		req.path += "?$select=" + strings.Join(cols, ",")
	}
	return req
}

// forgetIfRounded drops sc's cached definition when the row o answers
// with holds a number column op wrote at other places than were sent.
func (c *Connector) forgetIfRounded(ctx context.Context, sc *schema, op connector.Op, o *outcome) {
	if o == nil || o.status >= 300 || len(o.body) == 0 {
		return
	}
	var row map[string]json.RawMessage
	if json.Unmarshal(o.body, &row) != nil {
		return
	}
	for _, name := range numberColumns(sc, op) {
		stored, ok := row[name]
		if !ok {
			continue
		}
		if !sameNumber(op.Fields[name], string(stored)) {
			_ = c.meta.Forget(ctx, definitionKey(sc.table.logical)) // the cache's owner logs its failures
			return
		}
	}
}

// sameNumber says whether sent and stored (JSON) are the same number.
func sameNumber(sent, stored string) bool {
	a, err1 := strconv.ParseFloat(strings.TrimSpace(sent), 64)
	b, err2 := strconv.ParseFloat(strings.TrimSpace(stored), 64)
	if err1 != nil || err2 != nil {
		return true // not a number both ways: nothing to tell
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(a))
}
