package zoho

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// Lookups go through the Query API (POST /crm/v8/coql), not the search
// API: the search answers from an index that lags behind a create ("you
// may receive a 204 NO CONTENT response due to indexing delays. To fetch
// records without delay, use the Query API", searchRecords.md), so the
// lookup after a lost create answer found nothing and the create was sent
// again: a duplicate. COQL's = and in also match whole values, where the
// search's equals acts as contains.
const (
	// coqlInValues: "in (up to 50 values)" (Query API limitations).
	coqlInValues = 50
	// coqlLimit: a LIMIT of 1-200 costs one credit, 201-1000 two and
	// 1001-2000 three (Query API overview): 200 a page is the cheapest per
	// call, and an exact match of 50 values rarely fills it.
	coqlLimit = 200
	// coqlReach: "You can fetch up to 1,00,000 records using pagination
	// with LIMIT and OFFSET" (v8 limitations).
	coqlReach = 100000
	// idsPerGet: Get Records takes up to 100 ids a call.
	idsPerGet = 100
	// scopeCOQL is executeCOQLQuery's scope (crm-oas v8.0/coql).
	scopeCOQL = "ZohoCRM.coql.READ"
)

// coqlBody is the Query API's answer.
type coqlBody struct {
	Data []struct {
		ID string `json:"id"`
	} `json:"data"`
	Info struct {
		MoreRecords bool `json:"more_records"`
	} `json:"info"`
}

// Lookup finds records by one field's values: their ids by COQL
// (`where field in (…)`, 50 values a query, every page), then the records
// whole by Get Records with ids, as a Read names their fields.
func (c *Connector) Lookup(ctx context.Context, object, field string, values []string) ([]connector.Record, error) {
	sc, err := c.schemaOf(ctx, object)
	if err != nil {
		return nil, err
	}
	if _, ok := sc.types[field]; !ok {
		return nil, fmt.Errorf("zoho: lookup %s by %s: no such field: %w", object, field, connector.ErrNoLookup)
	}
	if object == notes {
		return nil, fmt.Errorf("zoho: lookup %s by %s: Zoho does not query notes: %w", object, field, connector.ErrNoLookup)
	}
	var ids []string
	for _, where := range criteria(field, sc.types[field], values) {
		found, err := c.queryIDs(ctx, object, where)
		if err != nil {
			return nil, fmt.Errorf("zoho: lookup %s by %s: %w", object, field, err)
		}
		ids = append(ids, found...)
	}
	// The key is always named: the engine sorts the hits by it. The engine
	// compares the hits with what it wrote, so they are read whole unless ctx
	// narrows them (connector.ReadFields), as a Read is.
	fields := strings.Join(readFields(ctx, sc, field), ",")
	var out []connector.Record
	for start := 0; start < len(ids); start += idsPerGet {
		q := url.Values{"ids": {strings.Join(ids[start:min(start+idsPerGet, len(ids))], ",")}, "fields": {fields}}
		body, err := c.list(ctx, "/"+object+"?"+q.Encode(), nil)
		if err != nil {
			return nil, fmt.Errorf("zoho: lookup %s by %s: read the records found: %w", object, field, err)
		}
		for _, raw := range body.Data {
			rec, err := toRecord(sc, raw)
			if err != nil {
				return nil, fmt.Errorf("zoho: lookup %s by %s: %w", object, field, err)
			}
			out = append(out, rec)
		}
	}
	return out, nil
}

// criteria are the where clauses that find field's values: `in` with up
// to 50 values, = for one. A checkbox takes only = ("The supported
// operator for Boolean field is =", Kaizen #81), so one clause a value.
// A value the field's type cannot hold matches nothing and is left out
// rather than have Zoho refuse the query; repeats are sent once.
func criteria(field, dataType string, values []string) []string {
	var lits []string
	seen := make(map[string]bool, len(values))
	for _, v := range values {
		l, ok := coqlLiteral(dataType, v)
		if ok && !seen[l] {
			seen[l] = true
			lits = append(lits, l)
		}
	}
	per := coqlInValues
	if dataType == "boolean" {
		per = 1
	}
	var out []string
	for start := 0; start < len(lits); start += per {
		chunk := lits[start:min(start+per, len(lits))]
		if len(chunk) == 1 {
			out = append(out, field+" = "+chunk[0])
			continue
		}
		out = append(out, field+" in ("+strings.Join(chunk, ", ")+")")
	}
	return out
}

// coqlLiteral writes v as a COQL literal of the field's data_type: numbers
// bare [unverified: the docs show no numeric literal; bare is SQL's form,
// and the sandbox refuses a quoted one]; a checkbox 'true' or 'false'
// (Kaizen #81's example quotes it); a date 'yyyy-MM-dd' and a date-time with
// its offset as records are written (2026-12-03T10:15:30+00:00); the rest
// quoted. ok is false for a value the type cannot hold.
func coqlLiteral(dataType, v string) (string, bool) {
	v = strings.TrimSpace(v)
	switch dataType {
	case "integer", "bigint":
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return strconv.FormatInt(n, 10), true
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return "", false
		}
		return strconv.FormatFloat(f, 'f', -1, 64), true
	case "double", "currency", "decimal", "percent":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return "", false
		}
		return strconv.FormatFloat(f, 'f', -1, 64), true
	case "boolean":
		b, err := strconv.ParseBool(v)
		if err != nil {
			return "", false
		}
		return coqlValue(strconv.FormatBool(b)), true
	case "date":
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return "", false
		}
		return coqlValue(d.Format(time.DateOnly)), true
	case "datetime":
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return "", false
		}
		return coqlValue(t.Format("2006-01-02T15:04:05-07:00")), true
	}
	return coqlValue(v), true
}

// queryIDs pages `select id from object where …` to its end; past the
// reach of limit and offset it fails rather than miss one.
func (c *Connector) queryIDs(ctx context.Context, object, where string) ([]string, error) {
	var ids []string
	for offset := 0; ; offset += coqlLimit {
		if offset+coqlLimit > coqlReach {
			return nil, fmt.Errorf("%d or more records match, the most Zoho's Query API reaches", coqlReach)
		}
		query := "select id from " + object + " where " + where + " limit " + strconv.Itoa(coqlLimit) + " offset " + strconv.Itoa(offset)
		page, err := c.coql(ctx, query)
		if err != nil {
			return nil, err
		}
		for _, d := range page.Data {
			ids = append(ids, d.ID)
		}
		if !page.Info.MoreRecords || len(page.Data) == 0 {
			return ids, nil
		}
	}
}

// coql runs one query; 204 is no match.
func (c *Connector) coql(ctx context.Context, query string) (coqlBody, error) {
	var body coqlBody
	r, err := c.call(ctx, http.MethodPost, apiRoot+"/coql", map[string]string{"select_query": query}, nil)
	if err != nil {
		return body, err
	}
	switch r.Status {
	case http.StatusNoContent:
		return body, nil
	case http.StatusOK:
		if err := r.Decode(&body); err != nil {
			return body, err
		}
		if body.Data == nil {
			return body, r.Fail(`answer has no "data" list of records`)
		}
		return body, nil
	}
	return body, missingScope(r.apiError())
}

// missingScope names the scope a grant made before crmsync asked for COQL
// lacks: a search instead would answer from the lagging index and bring
// back the duplicates the Query API prevents, so the lookup fails.
func missingScope(err *connector.Error) error {
	if err != nil && err.Code == "OAUTH_SCOPE_MISMATCH" {
		return fmt.Errorf("the connection's grant lacks the %s scope that lookups need; connect Zoho CRM again to grant it: %w", scopeCOQL, err)
	}
	if err == nil {
		return errors.New("zoho: coql: no error in the answer")
	}
	return err
}

// coqlValue quotes a value for a COQL where clause, a quote in it written
// twice: "escape the single quote in the value by adding another single
// quote" (Zoho's COQL FAQ, Kaizen #171). A backslash is sent as it is
// [unverified: the FAQ names no other escape].
func coqlValue(v string) string {
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}

// queryLimitReached says whether a LIMIT_REACHED is a query's own 400 (the
// search's "maximum response iteration limit reached" for more than the
// 2,000 records it iterates, searchRecords.md; a COQL query past its
// reach), not the organization's credits spent.
func queryLimitReached(endpoint string, status int) bool {
	return status == http.StatusBadRequest && (strings.HasSuffix(endpoint, "/search") || strings.HasSuffix(endpoint, "/coql"))
}
