package hubspot

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// takenInputs finds the create inputs whose email the contact a whole-batch
// 409 names already holds ("Contact already exists. Existing ID: 123",
// HubSpot/hubspot-api-python#51), by reading that contact's email and
// secondary emails: one call per refusal, where splitting the batch in
// halves costs about two per level (27 calls for 3 among 40). It returns
// nil when the refusal names no contact or none of ps holds its emails.
func (c *Connector) takenInputs(ctx context.Context, object string, ps []pending, e standardError) ([]int, error) {
	ids := existingIDs(e)
	if object != "contacts" || len(ids) != 1 {
		return nil, nil
	}
	body := newBatchRead([]string{"email", "hs_additional_emails"}, "", ids[:1])
	r, err := c.call(ctx, http.MethodPost, objectsPath(object)+"/batch/read", body)
	if err != nil {
		return nil, fmt.Errorf("read contact %s: %w", ids[0], err)
	}
	if r.Status != http.StatusOK {
		c.release(r)
		return nil, nil // not found or refused: splitting still isolates it
	}
	var br batchResponse
	err = r.Decode(&br)
	c.release(r) // br holds copies
	if err != nil || len(br.Results) != 1 {
		return nil, nil
	}
	held := map[string]bool{}
	for _, name := range []string{"email", "hs_additional_emails"} {
		if v := br.Results[0].Properties.get(name); v != nil {
			for _, m := range strings.Split(*v, ";") {
				if m = strings.ToLower(strings.TrimSpace(m)); m != "" {
					held[m] = true
				}
			}
		}
	}
	var js []int
	for j, p := range ps {
		if held[strings.ToLower(strings.TrimSpace(p.in.Properties["email"]))] {
			js = append(js, j)
		}
	}
	return js, nil
}
