package hubspot

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// listPage is the list endpoint's CollectionResponseSimplePublicObject,
// with only what a deletion needs.
type listPage struct {
	Results []struct {
		ID         string `json:"id"`
		Archived   bool   `json:"archived"`
		ArchivedAt string `json:"archivedAt"`
	} `json:"results"`
	Paging *pagingJSON `json:"paging"`
}

// listLimit is the list endpoint's largest page.
const listLimit = 100

// ListDeleted pages through GET /crm/objects/{version}/{object}?archived=true
// (HubSpot keeps archived records for 90 days; search never returns them)
// and yields those archived after since. The endpoint has no time filter,
// so every archived record is listed and the older ones are dropped here.
func (c *Connector) ListDeleted(ctx context.Context, object string, since time.Time) iter.Seq2[[]connector.Record, error] {
	return func(yield func([]connector.Record, error) bool) {
		after := ""
		for {
			q := url.Values{"archived": {"true"}, "limit": {strconv.Itoa(listLimit)}, "properties": {"hs_object_id"}}
			if after != "" {
				q.Set("after", after)
			}
			r, err := c.call(ctx, http.MethodGet, objectsPath(object)+"?"+q.Encode(), nil)
			if err != nil {
				yield(nil, fmt.Errorf("hubspot: archived %s: %w", object, err))
				return
			}
			if r.Status != http.StatusOK {
				yield(nil, fmt.Errorf("hubspot: archived %s: %w", object, r.apiError()))
				return
			}
			var page listPage
			err = r.Decode(&page)
			c.release(r) // page holds copies
			if err != nil {
				yield(nil, fmt.Errorf("hubspot: archived %s: %w", object, err))
				return
			}
			var recs []connector.Record
			for _, o := range page.Results {
				if !o.Archived {
					continue // asked for archived records only; a live one is not a delete
				}
				at, ok := parseTime(o.ArchivedAt)
				if !ok {
					yield(nil, fmt.Errorf("hubspot: archived %s: %w", object, r.Fail(fmt.Sprintf("record %s: unreadable archivedAt %q", o.ID, o.ArchivedAt))))
					return
				}
				if o.ID == "" || !at.After(since) {
					continue
				}
				recs = append(recs, connector.Record{ID: o.ID, Modified: at, Deleted: true})
			}
			if len(recs) > 0 && !yield(recs, nil) {
				return
			}
			if page.Paging == nil || page.Paging.Next == nil || page.Paging.Next.After == "" {
				return
			}
			if page.Paging.Next.After == after {
				yield(nil, fmt.Errorf("hubspot: archived %s: %w", object, r.Fail("paging.next.after repeats "+after)))
				return
			}
			after = page.Paging.Next.After
		}
	}
}
