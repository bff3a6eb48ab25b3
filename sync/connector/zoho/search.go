package zoho

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxSearchPages is how far Zoho's search pages: 2,000 records, 200 a page
// (crm-oas v8.0/module_search/mds/searchRecords.md: "retrieve a maximum of
// 2,000 records").
const maxSearchPages = 2000 / PageSize

// search reads every page of GET /crm/v8/{module}/search?q. Zoho's equals
// and email= match every value containing the one asked, newest first, so
// the record holding it exactly may sit past the first page; past the
// 2,000 the search reaches, the lookup fails rather than miss it.
func (c *Connector) search(ctx context.Context, object string, q url.Values) ([]map[string]json.RawMessage, error) {
	var out []map[string]json.RawMessage
	for page := 1; ; page++ {
		q.Set("page", strconv.Itoa(page))
		body, err := c.list(ctx, "/"+object+"/search?"+q.Encode(), nil)
		if err != nil {
			return nil, err
		}
		out = append(out, body.Data...)
		// At the reach's end more_records says nothing of what lies past it.
		atReach := len(out) >= maxSearchPages*PageSize
		if len(body.Data) == 0 || !body.Info.MoreRecords && !atReach {
			return out, nil
		}
		if page == maxSearchPages {
			return nil, fmt.Errorf("%d or more records match, the most Zoho's search reaches, so the one holding the value exactly may be past them", maxSearchPages*PageSize)
		}
	}
}

// searchLimitReached says whether a LIMIT_REACHED is the search's own 400
// for more than the 2,000 records it iterates ("maximum response iteration
// limit reached", searchRecords.md), not the organization's credits spent.
func searchLimitReached(endpoint string, status int) bool {
	return status == http.StatusBadRequest && strings.HasSuffix(endpoint, "/search")
}
