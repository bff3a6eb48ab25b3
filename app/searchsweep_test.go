package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// callTotal sums a sandbox's calls by endpoint.
func callTotal(stats map[string]int64) int64 {
	var n int64
	for _, v := range stats {
		n += v
	}
	return n
}

// TestLateIndexedEditReachesSalesforceNextDay: a HubSpot contact's
// edit that HubSpot's search index takes after a later edit and after the
// read overlap is behind the cursor once search shows it. The runs that
// day cost no more calls than any run with nothing new, and the next
// day's run carries the edit to Salesforce, writing nothing else.
func TestLateIndexedEditReachesSalesforceNextDay(t *testing.T) {
	ctx := context.Background()
	k := killableApp(t, 6, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	a, hs, sf := k.a, k.srv.HubSpot(), k.srv.Salesforce()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	run := func(what string) app.RunResult {
		t.Helper()
		k.clock.step(time.Minute)
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return res
	}
	calls := func() int64 { return callTotal(hs.Stats()) + callTotal(sf.Stats()) }
	run("initial run")
	run("echo run")
	before := calls()
	run("no-change run")
	quiet := calls() - before

	emailOf := func(id string) string {
		r, _ := hs.Get("contacts", id)
		return strings.ToLower(r.Properties["email"])
	}
	var late, prompt string
	for _, r := range hs.Records("contacts") {
		if r.Properties["email"] == "" || r.Archived {
			continue
		}
		if late == "" {
			late = r.ID
		} else if prompt == "" {
			prompt = r.ID
		}
	}
	if prompt == "" {
		t.Fatal("the sandbox has fewer than two contacts with an email")
	}
	sfFirstName := func(email string) string {
		for _, r := range sf.Records("Contact") {
			if !r.Deleted && strings.ToLower(r.Fields["Email"]) == email {
				return r.Fields["FirstName"]
			}
		}
		t.Fatalf("no Salesforce contact has email %s", email)
		return ""
	}

	k.clock.step(time.Minute)
	if _, err := hs.Update("contacts", late, map[string]string{"firstname": "Lagged"}); err != nil {
		t.Fatal(err)
	}
	if err := hs.IndexLate("contacts", late, 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	k.clock.step(10 * time.Second)
	if _, err := hs.Update("contacts", prompt, map[string]string{"firstname": "Prompt"}); err != nil {
		t.Fatal(err)
	}
	run("run after both edits")
	if got := sfFirstName(emailOf(prompt)); got != "Prompt" {
		t.Fatalf("the promptly indexed edit did not reach Salesforce: first name %q", got)
	}
	k.clock.step(15 * time.Minute) // search shows the late edit now
	run("echo of that run")
	before = calls()
	run("run the same day")
	if got := calls() - before; got != quiet {
		t.Errorf("a run with nothing new the same day made %d calls; a no-change run makes %d", got, quiet)
	}

	k.clock.step(24 * time.Hour)
	res := run("next day's run")
	if got := sfFirstName(emailOf(late)); got != "Lagged" {
		t.Errorf("the next day's run did not carry the edit HubSpot's search indexed late to Salesforce: first name %q, want Lagged", got)
	}
	if s := res.Summary; s.Created != 0 || s.Updated != 1 {
		t.Errorf("the next day's run created %d and updated %d records; want the one late edit only\n%s", s.Created, s.Updated, res.Plan.Summary())
	}
}
