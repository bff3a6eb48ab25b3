package ui

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// lostCompanyCreate passes every call on, but loses HubSpot's answer to the
// first companies batch/create once armed, calling then (a colleague
// entering the same company meanwhile).
type lostCompanyCreate struct {
	mu    sync.Mutex
	armed bool
	then  func()
}

func (l *lostCompanyCreate) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/companies/batch/create") {
		return resp, err
	}
	l.mu.Lock()
	hit, then := l.armed, l.then
	l.armed = false
	l.mu.Unlock()
	if !hit {
		return resp, nil
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	then()
	return &http.Response{StatusCode: http.StatusBadGateway, Status: "502 Bad Gateway", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"text/plain"}}, Body: io.NopCloser(strings.NewReader("bad gateway")), Request: r}, nil
}

// TestReviewFoundManyNamesRecordsAndLinks: a Salesforce Account's
// create loses HubSpot's answer, and a colleague entered the same company
// meanwhile, so the lookup by phone finds two. Review shows the item
// naming both companies found, each with a Link button; Link beside the
// colleague's decides the item, and the next run links the Account with
// it and makes no company.
func TestReviewFoundManyNamesRecordsAndLinks(t *testing.T) {
	tr := &lostCompanyCreate{}
	l := newLiveGated(t, tr)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoCompaniesSync("co-by-phone", demoHubSpot, demoSalesforce)
	def.Direction = mapping.BtoA
	def.Match = []engine.MatchRule{{A: "phone", B: "Phone", Normalize: "e164"}}
	def.Safety.MaxChangePercent = 100
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	const phone = "+14155550162"
	acc, err := l.srv.Salesforce().Create("Account", map[string]string{"Name": "Twin Audit Co", "Phone": phone})
	if err != nil {
		t.Fatal(err)
	}
	var colleague string
	tr.mu.Lock()
	tr.armed, tr.then = true, func() {
		rec, err := l.srv.HubSpot().Create("companies", map[string]string{"name": "Twin Audit Co", "phone": phone})
		if err != nil {
			t.Errorf("colleague's company: %v", err)
		}
		colleague = rec.ID
	}
	tr.mu.Unlock()
	if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Logf("the run with the lost answer: %v", err)
	}
	var found []string
	for _, r := range l.srv.HubSpot().Records("companies") {
		if !r.Archived && r.Properties["phone"] != "" && strings.HasSuffix(strings.Map(digitsOnly, r.Properties["phone"]), "4155550162") {
			found = append(found, r.ID)
		}
	}
	if colleague == "" || len(found) != 2 {
		t.Fatalf("the answer was not lost with a colleague's twin made: colleague %q, companies with the phone %v", colleague, found)
	}
	companies := l.srv.HubSpot().Count("companies")
	// The next plan settles the cut-short create from the journal and
	// files the item (the run that lost the answer leaves it pending).
	if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Logf("the next run: %v", err)
	}
	if n := l.srv.HubSpot().Count("companies"); n != companies {
		t.Fatalf("the next run went from %d to %d HubSpot companies; the create must not be sent again", companies, n)
	}

	l.navigate(ScreenReview)
	l.see("Review")
	l.wait()
	l.see("found 2 records")
	for _, id := range found {
		l.see(id)
	}
	var link *widget.Button
	l.ui(func() { link = linkBeside(l.u.Window(), colleague) })
	if link == nil {
		t.Fatalf("no Link button beside HubSpot company %s", colleague)
	}
	l.ui(func() { test.Tap(link) })
	l.wait()
	decided, err := l.a.Reviews(ctx, def.Name, "duplicate", "decided")
	if err != nil || len(decided) != 1 || !strings.Contains(decided[0].Decision, `"other_id":"`+colleague+`"`) {
		t.Fatalf("decided items after Link beside %s: %+v %v", colleague, decided, err)
	}
	if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	if n := l.srv.HubSpot().Count("companies"); n != companies {
		t.Errorf("HubSpot went from %d to %d companies after the link; want none made", companies, n)
	}
	row, err := l.a.DB().Sync(ctx, def.Name)
	if err != nil {
		t.Fatal(err)
	}
	links, err := l.a.DB().Links(ctx, row.ID)
	if err != nil {
		t.Fatal(err)
	}
	linked := false
	for _, lk := range links {
		linked = linked || lk.AID == colleague && lk.BID == acc.ID
	}
	if !linked {
		t.Errorf("Salesforce Account %s is not linked with HubSpot company %s after Link", acc.ID, colleague)
	}
}

func digitsOnly(r rune) rune {
	if r < '0' || r > '9' {
		return -1
	}
	return r
}

// linkBeside is the Link button in the row naming id.
func linkBeside(w fyne.Window, id string) *widget.Button {
	for _, o := range test.LaidOutObjects(w.Canvas().Content()) {
		c, ok := o.(*fyne.Container)
		if !ok {
			continue
		}
		var label *widget.Label
		var link *widget.Button
		for _, x := range c.Objects {
			switch v := x.(type) {
			case *widget.Label:
				label = v
			case *widget.Button:
				if v.Text == "Link" {
					link = v
				}
			}
		}
		if label != nil && link != nil && strings.Contains(label.Text, id) {
			return link
		}
	}
	return nil
}
