package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

// TestMailchimpSeparatorTagLoggedOnce: a marketer's tag whose name
// holds the multi-select separator ("Webinar; March") on every member of
// a large audience. The warning about it belongs in the log once per read,
// not once per member: 100k members would write 100k lines (25 MB) and
// rotate away every run's outcome the log is for.
func TestMailchimpSeparatorTagLoggedOnce(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 47, 5)
	if _, err := a.ConnectSandbox(ctx, srv, "mailchimp", "mc"); err != nil {
		t.Fatalf("connect mailchimp: %v", err)
	}
	mc := srv.Mailchimp()
	list := mc.DefaultListID()
	seeds := make([]mailchimp.MemberSeed, 300)
	for i := range seeds {
		seeds[i] = mailchimp.MemberSeed{Email: fmt.Sprintf("reader%03d@acme-audit.io", i), Tags: []string{"Webinar; March", "Newsletter"}}
	}
	if _, err := mc.SeedMembers(list, seeds); err != nil {
		t.Fatal(err)
	}
	// The marketer's tags are read into a HubSpot text property, one way.
	def := app.DemoMailchimpSync("audience", "hs", "mc")
	def.Fields = append(def.Fields, mapping.Field{A: "jobtitle", B: "tags", Direction: mapping.BtoA})
	saveSyncs(t, a, def)
	if res, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("run: %v %+v", err, res.Summary)
	}
	log := logFileText(t, a)
	if n := strings.Count(log, "multi-select separator"); n != 1 {
		t.Fatalf("the log names the separator tag on %d lines for one run over 300 members, want 1 (%d bytes of log):\n%.1500s", n, len(log), log)
	}
	if !strings.Contains(log, "Webinar; March") {
		t.Fatalf("the log does not name the tag; it holds:\n%.2000s", log)
	}
}
