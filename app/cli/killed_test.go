package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// killHarness is a harness with a slow sandbox (150 ms a call), both
// CRMs connected, the contacts sync saved and its first run done.
func killHarness(t *testing.T) (*harness, map[string]vendorLine) {
	t.Helper()
	h, vs := contactsHarness(t, "--contacts", "600", "--faults", "latency=150ms")
	h.mustRun("sync", "run", "contacts", "--yes")
	return h, vs
}

// hubspotIDs lists every HubSpot contact id.
func hubspotIDs(t *testing.T, v vendorLine) []string {
	t.Helper()
	var ids []string
	for _, c := range hubspotContacts(t, v, "email") {
		ids = append(ids, c.ID)
	}
	return ids
}

// setHubSpotFirstNames sets firstname on every HubSpot contact through
// HubSpot's batch update, 100 a call.
func setHubSpotFirstNames(t *testing.T, v vendorLine, name string) int {
	t.Helper()
	ids := hubspotIDs(t, v)
	for i := 0; i < len(ids); i += 100 {
		var inputs []map[string]any
		for _, id := range ids[i:min(i+100, len(ids))] {
			inputs = append(inputs, map[string]any{"id": id, "properties": map[string]string{"firstname": name}})
		}
		api(t, "POST", v.APIBase+"/crm/objects/2026-03/contacts/batch/update", v.AccessToken, map[string]any{"inputs": inputs})
	}
	return len(ids)
}

// sfFirstNamed counts Salesforce contacts whose FirstName is name.
func sfFirstNamed(t *testing.T, v vendorLine, name string) int {
	t.Helper()
	var q struct {
		TotalSize int `json:"totalSize"`
	}
	soql := fmt.Sprintf("SELECT Id FROM Contact WHERE FirstName = '%s'", name)
	json.Unmarshal(api(t, "GET", v.APIBase+"/services/data/v67.0/query?q="+url.QueryEscape(soql), v.AccessToken, nil), &q)
	return q.TotalSize
}

// killWhen starts crmsync args and SIGKILLs it once ready reports true
// (checked every 50 ms), returning its stderr.
func killWhen(t *testing.T, h *harness, ready func() bool, args ...string) string {
	t.Helper()
	c := h.cmd(args...)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(90 * time.Second)
	for !ready() {
		if time.Now().After(deadline) {
			c.Process.Kill()
			c.Wait()
			t.Fatalf("crmsync %s never reached the moment to kill it\nstdout: %s\nstderr: %s", strings.Join(args, " "), out.String(), errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.Process.Kill()
	c.Wait()
	return errb.String()
}

// TestUndoOfKilledRunRestoresItsUpdates: a run killed while it
// updated Salesforce wrote some FirstNames there before its store commit.
// Undoing that run at once (no sync run in between) must write back every
// value that reached the CRM: the run's history and its undo cover them.
func TestUndoOfKilledRunRestoresItsUpdates(t *testing.T) {
	h, vs := killHarness(t)
	n := setHubSpotFirstNames(t, vs["hubspot"], "Killedrun")
	time.Sleep(20 * time.Millisecond)
	killWhen(t, h, func() bool { return sfFirstNamed(t, vs["salesforce"], "Killedrun") > 0 }, "sync", "run", "contacts", "--yes")
	written := sfFirstNamed(t, vs["salesforce"], "Killedrun")
	if written == 0 || written >= n {
		t.Fatalf("the kill left %d of %d Salesforce contacts written; want some, not all", written, n)
	}
	runs := runsJSON(t, h)
	if runs[0].Status != "failed" || !strings.Contains(runs[0].Message, "interrupted") {
		t.Fatalf("the killed run reads %+v; want it marked interrupted", runs[0])
	}
	killed := runs[0].ID
	h.mustRun("runs", "undo", fmt.Sprint(killed), "--yes")
	if left := sfFirstNamed(t, vs["salesforce"], "Killedrun"); left != 0 {
		show := h.mustRun("runs", "show", fmt.Sprint(killed))
		t.Fatalf("after undoing the killed run %d, %d of the %d Salesforce contacts it wrote still hold its FirstName; runs show:\n%.600s",
			killed, left, written, show)
	}
}

// hubspotFirstNamed counts HubSpot contacts whose firstname is name.
func hubspotFirstNamed(t *testing.T, v vendorLine, name string) int {
	t.Helper()
	n := 0
	for _, c := range hubspotContacts(t, v, "firstname") {
		if c.Properties["firstname"] == name {
			n++
		}
	}
	return n
}

// TestKilledUndoKeepsTheOtherSide: undoing a run writes Salesforce's
// old FirstNames back and leaves HubSpot's edits alone. Killed part way,
// the undo has written some old values before its store commit; the next
// sync run must not take those for edits made in Salesforce and copy them
// over the HubSpot names the undo was never to touch.
func TestKilledUndoKeepsTheOtherSide(t *testing.T) {
	h, vs := killHarness(t)
	hsN := setHubSpotFirstNames(t, vs["hubspot"], "Keptname")
	time.Sleep(20 * time.Millisecond)
	h.mustRun("sync", "run", "contacts", "--yes")
	n := sfFirstNamed(t, vs["salesforce"], "Keptname")
	if n < 500 {
		t.Fatalf("the run copied Keptname to %d Salesforce contacts; want most of %d", n, hsN)
	}
	edited := runsJSON(t, h)[0].ID
	killWhen(t, h, func() bool { return sfFirstNamed(t, vs["salesforce"], "Keptname") < n },
		"runs", "undo", fmt.Sprint(edited), "--yes")
	restored := n - sfFirstNamed(t, vs["salesforce"], "Keptname")
	if restored == 0 || restored == n {
		t.Fatalf("the kill left %d of %d Salesforce contacts restored; want some, not all", restored, n)
	}
	h.mustRun("sync", "run", "contacts", "--yes")
	if got := hubspotFirstNamed(t, vs["hubspot"], "Keptname"); got != hsN {
		t.Fatalf("after the killed undo (%d of %d Salesforce names restored) and a sync run, %d HubSpot contacts keep the firstname their owner set; want all %d: "+
			"the undo's restored values were copied over HubSpot's", restored, n, got, hsN)
	}
}
