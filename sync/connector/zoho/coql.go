package zoho

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

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
	for start := 0; start < len(values); start += coqlInValues {
		found, err := c.queryIDs(ctx, object, field, values[start:min(start+coqlInValues, len(values))])
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

// queryIDs pages `select id from object where field in (values)` to its
// end; past the reach of limit and offset it fails rather than miss one.
func (c *Connector) queryIDs(ctx context.Context, object, field string, values []string) ([]string, error) {
	where := field + " = " + coqlValue(values[0])
	if len(values) > 1 {
		quoted := make([]string, len(values))
		for i, v := range values {
			quoted[i] = coqlValue(v)
		}
		where = field + " in (" + strings.Join(quoted, ", ") + ")"
	}
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

// coqlValue quotes a value for a COQL where clause: a backslash before a
// quote or a backslash [unverified: Zoho asks for special characters to be
// escaped without naming the escape].
func coqlValue(v string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}

// queryLimitReached says whether a LIMIT_REACHED is a query's own 400 (the
// search's "maximum response iteration limit reached" for more than the
// 2,000 records it iterates, searchRecords.md; a COQL query past its
// reach), not the organization's credits spent.
func queryLimitReached(endpoint string, status int) bool {
	return status == http.StatusBadRequest && (strings.HasSuffix(endpoint, "/search") || strings.HasSuffix(endpoint, "/coql"))
}
