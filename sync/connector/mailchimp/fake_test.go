package mailchimp

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fake is a minimal Marketing API for unit tests: one audience whose
// members a test sets directly, listed as the API reference describes
// (sort_field, sort_dir, since_last_changed, status, count, offset), and
// canned answers for the rest. The sandbox tests run the real thing.
type fake struct {
	mu      sync.Mutex
	members []fakeMember
	// inclusive makes since_last_changed keep members changed at that very
	// second; the reference says "after", so by default it does not.
	inclusive bool
	// beforeList runs before each list call is answered (with the call's
	// number from 0), to change members while a read goes on.
	beforeList func(n int)
	lists      int
	merge      []mergeField
	batch      func(body map[string]any) (int, any)
	requests   []string
}

type fakeMember struct {
	ContactID, Email, Status string
	Changed                  time.Time
	Merge                    map[string]any
}

func (f *fake) json(m fakeMember) map[string]any {
	return map[string]any{"contact_id": m.ContactID, "email_address": m.Email, "status": m.Status,
		"last_changed": m.Changed.UTC().Format(sinceLayout), "merge_fields": m.Merge, "vip": false, "member_rating": 2,
		"tags": []map[string]any{{"id": 1, "name": "a"}, {"id": 2, "name": "b"}}}
}

func newFake(t *testing.T) (*fake, *Connector) {
	t.Helper()
	f := &fake{merge: []mergeField{{Tag: "FNAME", Name: "First Name", Type: "text"}, {Tag: "LNAME", Name: "Last Name", Type: "text"}}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	o := defaultOptions()
	o.Rate, o.MinWait, o.MaxWait = 0, time.Millisecond, 10*time.Millisecond
	c, err := newConnector(srv.Client(), srv.URL, o)
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
	send := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		if status >= 400 {
			w.Header().Set("Content-Type", "application/problem+json")
		}
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	q := r.URL.Query()
	switch p := r.URL.Path; {
	case p == "/3.0/lists" && r.Method == http.MethodGet:
		send(200, map[string]any{"lists": []map[string]any{{"id": "L1", "name": "Main"}}, "total_items": 1})
	case p == "/3.0/lists/L1/merge-fields":
		send(200, map[string]any{"merge_fields": f.merge, "total_items": len(f.merge)})
	case p == "/3.0/lists/L1/interest-categories":
		send(200, map[string]any{"categories": []any{}, "total_items": 0})
	case p == "/3.0/lists/L1/members" && r.Method == http.MethodGet:
		if f.beforeList != nil {
			f.beforeList(f.lists)
		}
		f.lists++
		ms := slices.Clone(f.members)
		slices.SortStableFunc(ms, func(a, b fakeMember) int { return a.Changed.Compare(b.Changed) })
		var since time.Time
		if s := q.Get("since_last_changed"); s != "" {
			since, _ = time.Parse(time.RFC3339, s)
		}
		status := q.Get("status")
		match := []map[string]any{} // Mailchimp lists "members": [] for none, never null
		for _, m := range ms {
			switch {
			case status == "" && m.Status == archived, status != "" && m.Status != status:
				continue
			case !since.IsZero() && (m.Changed.Before(since) || (!f.inclusive && m.Changed.Equal(since))):
				continue
			}
			match = append(match, f.json(m))
		}
		off, _ := strconv.Atoi(q.Get("offset"))
		n, _ := strconv.Atoi(q.Get("count"))
		page := match[min(off, len(match)):min(off+n, len(match))]
		send(200, map[string]any{"members": page, "total_items": len(match)})
	case p == "/3.0/lists/L1" && r.Method == http.MethodPost:
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		status, v := f.batch(body)
		send(status, v)
	case strings.HasPrefix(p, "/3.0/lists/L1/members/") && r.Method == http.MethodGet:
		key := strings.TrimPrefix(p, "/3.0/lists/L1/members/")
		for _, m := range f.members {
			if m.ContactID == key || subscriberHash(m.Email) == key {
				send(200, f.json(m))
				return
			}
		}
		send(404, map[string]any{"title": "Resource Not Found", "status": 404, "detail": "The requested resource could not be found."})
	case strings.HasPrefix(p, "/3.0/lists/L1/members/") && r.Method == http.MethodPatch:
		send(400, map[string]any{"title": "Invalid Resource", "status": 400, "detail": "Your merge fields were invalid.",
			"errors": []map[string]any{{"field": "FNAME", "message": "Please enter a value"}}})
	case strings.HasPrefix(p, "/3.0/lists/"):
		send(404, map[string]any{"title": "Resource Not Found", "status": 404, "detail": "The requested resource could not be found."})
	default:
		send(401, map[string]any{"title": "API Key Invalid", "status": 401, "detail": "Your API key may be invalid."})
	}
}

// seed adds n members changed at the given times, in order.
func (f *fake) seed(times ...time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, at := range times {
		i := len(f.members)
		f.members = append(f.members, fakeMember{ContactID: "c" + strconv.Itoa(i), Email: "m" + strconv.Itoa(i) + "@example.com",
			Status: "subscribed", Changed: at, Merge: map[string]any{"FNAME": "F" + strconv.Itoa(i), "LNAME": ""}})
	}
}

// touch changes member i now (under the lock the list call holds).
func (f *fake) touch(i int, at time.Time) { f.members[i].Changed = at }
