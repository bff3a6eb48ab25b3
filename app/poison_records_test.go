package app_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// poisonVendor is a vendor written to in TestTwoPoisonRecordsFailAlone:
// its batch writes, how they name a record's email, and the 500 the vendor
// answers (its own error format).
type poisonVendor struct {
	label string
	def   func() engine.Definition
	conns [2][2]string // (vendor, connection) of both sides
	write *regexp.Regexp
	count string // emailCounts' prefix of the written side
	body  string // the vendor's 500 body
	says  string // what of body the failure must name
}

func poisonVendors() []poisonVendor {
	return []poisonVendor{
		{"hubspot", func() engine.Definition { return app.DemoSync("s", "v", "sf") }, [2][2]string{{"salesforce", "sf"}, {"hubspot", "v"}},
			regexp.MustCompile(`^/hubspot/.*/batch/(create|update|upsert)$`), "hs:",
			`{"status":"error","message":"internal error","correlationId":"0f6b0c6e-poison","category":"INTERNAL_ERROR"}`, "internal error"},
		{"salesforce", func() engine.Definition { return app.DemoSync("s", "hs", "v") }, [2][2]string{{"hubspot", "hs"}, {"salesforce", "v"}},
			regexp.MustCompile(`^/salesforce/.*/composite/sobjects`), "sf:",
			`[{"message":"An unexpected error occurred. Please include this ErrorId if you contact support: 937-poison (-1)","errorCode":"UNKNOWN_EXCEPTION"}]`, "unexpected error"},
	}
}

var emailInBody = regexp.MustCompile(`(?i)"email":"([^"]+)"`)

// TestTwoPoisonRecordsFailAlone: the vendor answers 500 to any call
// holding either of two records of the first batch write, the first of
// each half. The batch fails, both halves fail, and the first record alone
// fails: that is one poison record, not a vendor down. Both records must
// fail on their own, naming the vendor's message, the rest be written, and
// the run not be stopped as a storm.
func TestTwoPoisonRecordsFailAlone(t *testing.T) {
	for _, v := range poisonVendors() {
		t.Run(v.label, func(t *testing.T) {
			ctx := context.Background()
			srv := startSandbox(t, 29, 8)
			tr := &stormTransport{next: http.DefaultTransport}
			a := appThrough(t, srv, &http.Client{Transport: tr}, v.conns[0], v.conns[1])
			saveSyncs(t, a, v.def())
			var mu sync.Mutex
			var poison []string
			var writes, poisoned atomic.Int32
			tr.poison = func(r *http.Request, body []byte) bool {
				if r.Method == "GET" || !v.write.MatchString(r.URL.Path) {
					return false
				}
				writes.Add(1)
				mu.Lock()
				defer mu.Unlock()
				if ms := emailInBody.FindAllSubmatch(body, -1); poison == nil && len(ms) >= 4 {
					poison = []string{strings.ToLower(string(ms[0][1])), strings.ToLower(string(ms[len(ms)/2][1]))}
				}
				if holdsPoison(body, poison) {
					poisoned.Add(1)
					return true
				}
				return false
			}
			tr.answer = func(r *http.Request) *http.Response {
				return json500(r, v.body)
			}
			var sent []string // every email of the vendor's batch writes
			tr.hook = func(r *http.Request) {
				if emails := writtenEmails(r, v.write); len(emails) > 0 {
					mu.Lock()
					sent = append(sent, emails...)
					mu.Unlock()
				}
			}
			res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
			t.Logf("run: %v %+v %v; %d write calls (retries included), %d poisoned", err, res.Summary, res.Failures, writes.Load(), poisoned.Load())
			if err != nil {
				t.Fatal(err)
			}
			if len(poison) != 2 {
				t.Fatalf("no batch write of four records or more: %v", sent)
			}
			if res.Summary.Stopped != nil {
				t.Errorf("two poison records stopped the run as a storm: %v", res.Summary.Stopped)
			}
			if res.Summary.Failed != 2 || len(res.Failures) == 0 {
				t.Errorf("want the two poison records failed alone: %+v %v", res.Summary, res.Failures)
			}
			for _, f := range res.Failures {
				if !strings.Contains(f.Line(), v.says) {
					t.Errorf("failure without the vendor's message %q: %s", v.says, f.Line())
				}
			}
			counts := emailCounts(srv)
			for _, e := range sent {
				if e != poison[0] && e != poison[1] && counts[v.count+e] == 0 {
					t.Errorf("%s, sent with the poison records, was not written", e)
				}
			}
		})
	}
}

// writtenEmails lists, lower-cased, the emails in the body of a write
// (not a GET) to a path write matches; nil for any other call.
func writtenEmails(r *http.Request, write *regexp.Regexp) []string {
	if r.Method == "GET" || !write.MatchString(r.URL.Path) || r.GetBody == nil {
		return nil
	}
	rc, err := r.GetBody()
	if err != nil {
		return nil
	}
	b, _ := io.ReadAll(rc)
	var emails []string
	for _, m := range emailInBody.FindAllSubmatch(b, -1) {
		emails = append(emails, strings.ToLower(string(m[1])))
	}
	return emails
}

// holdsPoison says whether a write's body carries one of the poison
// emails as a value, whatever its case.
func holdsPoison(body []byte, poison []string) bool {
	for _, p := range poison {
		if bytes.Contains(bytes.ToLower(body), []byte(`:"`+p+`"`)) {
			return true
		}
	}
	return false
}
