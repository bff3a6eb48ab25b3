package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"

	"github.com/crmsync/crmsync/app"
)

// editPercent edits pct % of the linked records on each side through the
// vendors' REST APIs, as another integration or a user would: HubSpot's
// batch/update (job title) and Salesforce's sObject Collections (mailing
// city). These calls happen between runs, so they are not counted in any
// run's figures.
func editPercent(ctx context.Context, a *app.App, sb *sandboxRun, pct int) ([2]int, error) {
	var n [2]int
	v, err := a.Sync(ctx, syncName)
	if err != nil {
		return n, err
	}
	ids, err := linkedIDs(ctx, a, v.ID)
	if err != nil {
		return n, err
	}
	hsIDs, sfIDs := pick(ids[0], pct), pick(ids[1], pct)
	c := &editor{http: &http.Client{Timeout: time.Minute}, lim: rate.NewLimiter(15, 5)} // under HubSpot's 19/s
	hs := sb.vendor("hubspot")
	for i := 0; i < len(hsIDs); i += hubspotBatch {
		var inputs []map[string]any
		for _, id := range hsIDs[i:min(i+hubspotBatch, len(hsIDs))] {
			inputs = append(inputs, map[string]any{"id": id, "properties": map[string]string{"jobtitle": "Edited title " + id}})
		}
		if err := c.send(ctx, http.MethodPost, hs.APIBase+"/crm/objects/2026-03/contacts/batch/update", hs.AccessToken, map[string]any{"inputs": inputs}); err != nil {
			return n, fmt.Errorf("bench: edit hubspot: %w", err)
		}
		n[0] += len(inputs)
	}
	sf := sb.vendor("salesforce")
	ver, err := c.latestVersion(ctx, sf.APIBase, sf.AccessToken)
	if err != nil {
		return n, err
	}
	for i := 0; i < len(sfIDs); i += salesforceBatch {
		var recs []map[string]any
		for _, id := range sfIDs[i:min(i+salesforceBatch, len(sfIDs))] {
			recs = append(recs, map[string]any{"attributes": map[string]string{"type": "Contact"}, "Id": id, "MailingCity": "Edited City " + id})
		}
		body := map[string]any{"allOrNone": false, "records": recs}
		if err := c.send(ctx, http.MethodPatch, sf.APIBase+ver+"/composite/sobjects", sf.AccessToken, body); err != nil {
			return n, fmt.Errorf("bench: edit salesforce: %w", err)
		}
		n[1] += len(recs)
	}
	return n, nil
}

// linkedIDs lists the linked record ids of each side from the local index.
// The walk starts below seq 0: a record crmsync wrote keeps seq 0 until it
// is read back changed.
func linkedIDs(ctx context.Context, a *app.App, syncID int64) ([2][]string, error) {
	var out [2][]string
	for i, side := range []string{"a", "b"} {
		fromSeq := int64(-1)
		fromID := ""
		for {
			rows, err := a.DB().PairsAfter(ctx, syncID, side, -1, fromSeq, fromID, -1, 5000)
			if err != nil {
				return out, err
			}
			for _, r := range rows {
				if r.Linked && !r.Rec.Deleted && r.OtherSeen {
					out[i] = append(out[i], r.Rec.ID)
				}
			}
			if len(rows) < 5000 {
				break
			}
			fromSeq, fromID = rows[len(rows)-1].Rec.Seq, rows[len(rows)-1].Rec.ID
		}
	}
	return out, nil
}

// pick takes pct % of ids, spread evenly, so the choice is deterministic.
func pick(ids []string, pct int) []string {
	want := len(ids) * pct / 100
	if want == 0 {
		return nil
	}
	out := make([]string, 0, want)
	for i := 0; i < want; i++ {
		out = append(out, ids[i*len(ids)/want])
	}
	return out
}

// editor sends the vendor-API edits, paced under the rate limits and
// retrying a 429 after its Retry-After.
type editor struct {
	http *http.Client
	lim  *rate.Limiter
}

func (c *editor) send(ctx context.Context, method, url, token string, body any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		if err := c.lim.Wait(ctx); err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(raw))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.http.Do(req)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusTooManyRequests && attempt < 10:
			wait := time.Second
			if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
				wait = time.Duration(s) * time.Second
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
			continue
		case resp.StatusCode >= 300:
			return fmt.Errorf("%s %s: %d %.300s", method, url, resp.StatusCode, b)
		}
		return perRecordFailure(b)
	}
}

// latestVersion finds the newest REST API path ("/services/data/vNN.N").
func (c *editor) latestVersion(ctx context.Context, base, token string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/services/data/", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("bench: salesforce versions: %w", err)
	}
	defer resp.Body.Close()
	var vs []struct {
		URL string `json:"url"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&vs); err != nil || len(vs) == 0 {
		return "", fmt.Errorf("bench: salesforce versions: %v", err)
	}
	return vs[len(vs)-1].URL, nil
}

// perRecordFailure finds a failed record in a Salesforce collection result
// ([{"id":..,"success":false,"errors":[..]}]); other bodies pass.
func perRecordFailure(body []byte) error {
	var res []struct {
		ID      string          `json:"id"`
		Success bool            `json:"success"`
		Errors  json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &res) != nil {
		return nil
	}
	for _, r := range res {
		if !r.Success {
			return fmt.Errorf("record %s failed: %s", r.ID, r.Errors)
		}
	}
	return nil
}
