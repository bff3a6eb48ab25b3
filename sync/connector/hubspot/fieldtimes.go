package hubspot

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

var _ connector.FieldTimer = (*Connector)(nil)

// historyBatch caps a batch/read that asks for propertiesWithHistory:
// HubSpot refuses more than 50 inputs with it (100 without).
const historyBatch = 50

// FieldTimes reads when each of fields last changed on the records ids,
// from HubSpot's property history (batch/read with propertiesWithHistory,
// 50 records a call): a record's lastmodifieddate moves with an edit of
// any property, and the "newer" conflict rule must not take that for the
// time of the one in conflict. A property with no version is left out.
func (c *Connector) FieldTimes(ctx context.Context, object string, ids, fields []string) (map[string]map[string]time.Time, error) {
	out := make(map[string]map[string]time.Time, len(ids))
	if len(fields) == 0 {
		return out, nil
	}
	path := objectsPath(object) + "/batch/read"
	type readInput struct {
		ID string `json:"id"`
	}
	type version struct {
		Value     string `json:"value"`
		Timestamp string `json:"timestamp"`
	}
	type result struct {
		ID                    string               `json:"id"`
		PropertiesWithHistory map[string][]version `json:"propertiesWithHistory"`
	}
	for start := 0; start < len(ids); start += historyBatch {
		chunk := ids[start:min(start+historyBatch, len(ids))]
		body := struct {
			Properties            []string    `json:"properties"`
			PropertiesWithHistory []string    `json:"propertiesWithHistory"`
			Inputs                []readInput `json:"inputs"`
		}{Properties: []string{}, PropertiesWithHistory: fields, Inputs: make([]readInput, len(chunk))}
		for i, id := range chunk {
			body.Inputs[i] = readInput{id}
		}
		r, err := c.call(ctx, http.MethodPost, path, body)
		if err != nil {
			return nil, fmt.Errorf("read property history: %w", err)
		}
		if r.Status != http.StatusOK && r.Status != http.StatusMultiStatus {
			return nil, fmt.Errorf("read property history: %w", r.apiError())
		}
		var br struct {
			Results []result `json:"results"`
		}
		err = r.Decode(&br)
		c.release(r)
		if err != nil {
			return nil, fmt.Errorf("read property history: %w", err)
		}
		for _, o := range br.Results {
			for name, versions := range o.PropertiesWithHistory {
				var newest time.Time
				for _, v := range versions {
					if t, ok := parseTime(v.Timestamp); ok && t.After(newest) {
						newest = t
					}
				}
				if newest.IsZero() {
					continue
				}
				if out[o.ID] == nil {
					out[o.ID] = map[string]time.Time{}
				}
				out[o.ID][name] = newest
			}
		}
	}
	return out, nil
}
