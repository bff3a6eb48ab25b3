package dynamics

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// refusedCreates are the creates of a $batch that Dataverse answered 412:
// those whose id a row has now were created by an earlier attempt of the
// batch (If-None-Match: * refuses only a row that exists, "A record with
// matching key values already exists.", https://learn.microsoft.com/power-apps/developer/data-platform/webapi/perform-conditional-operations-using-web-api);
// the others were refused by an alternate key another row's values hold
// (DuplicateRecord, also 412: "A record that has the attribute values … already exists. The
// entity key … requires that this set of attributes contains unique
// values"), and no row was created.
func refusedCreates(reqs []operation, outs []*outcome, ids []string) []string {
	var want []string
	for j, o := range outs {
		if o != nil && o.status == http.StatusPreconditionFailed && reqs[j].header.Get("If-None-Match") == "*" && ids[j] != "" {
			want = append(want, ids[j])
		}
	}
	return want
}

// existing reports which of ids a row of sc's table has, lookupChunk ids a
// query: GET /contacts?$select=contactid&$filter=Microsoft.Dynamics.CRM.In(
// PropertyName='contactid',PropertyValues=[…]).
func (c *Connector) existing(ctx context.Context, sc *schema, ids []string) (map[string]bool, error) {
	found := make(map[string]bool, len(ids))
	for start := 0; start < len(ids); start += lookupChunk {
		chunk := ids[start:min(start+lookupChunk, len(ids))]
		quoted := make([]string, len(chunk))
		for i, id := range chunk {
			quoted[i] = literal(id)
		}
		q := url.Values{"$select": {sc.table.id},
			"$filter": {"Microsoft.Dynamics.CRM.In(PropertyName=" + literal(sc.table.id) + ",PropertyValues=[" + strings.Join(quoted, ",") + "])"}}
		for next := "/" + sc.Object + "?" + encodeQuery(q); next != ""; {
			p, err := c.page(ctx, next, nil)
			if err != nil {
				return nil, fmt.Errorf("dynamics: check the creates Dataverse refused with 412 in %s: %w", sc.Object, err)
			}
			for _, raw := range p.Value {
				var id string
				if json.Unmarshal(raw[sc.table.id], &id) == nil {
					found[strings.ToLower(id)] = true
				}
			}
			next = p.NextLink
		}
	}
	return found, nil
}
