package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestApplyRefusesSeveralSyncsInOneFile: two exports joined into one
// file (`crmsync sync export a; crmsync sync export b` with a `---`
// between, as kubectl files are written) are two syncs. `sync apply`
// saved the first, said "Saved sync" and exited 0, and dropped the second
// without a word. It must refuse the file, naming the second document's
// line, and save neither.
func TestApplyRefusesSeveralSyncsInOneFile(t *testing.T) {
	h := newHarness(t)
	vs := h.startSandbox()
	h.connect(vs["hubspot"], "hs")
	h.connect(vs["salesforce"], "sf")

	second := strings.Replace(contactsYAML, "name: contacts", "name: contacts-eu", 1)
	file := filepath.Join(t.TempDir(), "syncs.yaml")
	os.WriteFile(file, []byte(contactsYAML+"---\n"+second), 0o600)
	secondLine := strings.Count(contactsYAML, "\n") + 2 // the line after the ---

	_, errs, code := h.run("sync", "apply", "-f", file)
	var list []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal([]byte(h.mustRun("sync", "list", "--json")), &list); err != nil {
		t.Fatalf("sync list --json: %v", err)
	}
	if code != 2 || len(list) != 0 || !strings.Contains(errs, fmt.Sprintf("syncs.yaml: line %d:", secondLine)) {
		t.Fatalf("sync apply of a file with two syncs: exit %d, stderr %q, syncs saved %+v; want exit 2 naming line %d and nothing saved", code, errs, list, secondLine)
	}
}

// TestReviewListNamesUnknownKind: `review list --kind` with a kind
// that does not exist (a plural, a typo) said "Nothing needs your
// attention." with exit 0 while items of the kind meant were open, so a
// script checking for open conflicts or deletes saw none. It must be a
// usage error naming the kinds; the same for --status.
func TestReviewListNamesUnknownKind(t *testing.T) {
	h, _ := contactsHarness(t)
	h.mustRun("sync", "run", "contacts", "--yes")

	var open []struct {
		Kind string `json:"kind"`
	}
	json.Unmarshal([]byte(h.mustRun("review", "list", "--kind", "ambiguous", "--json")), &open)
	if len(open) == 0 {
		t.Fatal("the seeded sandbox left no ambiguous item to review; the test needs one")
	}
	for _, args := range [][]string{{"--kind", "ambiguos"}, {"--kind", "conflicts"}, {"--status", "opened"}} {
		out, errs, code := h.run(append([]string{"review", "list", "--json"}, args...)...)
		if code != 2 || !strings.Contains(errs, args[1]) || !strings.Contains(errs, "ambiguous") && !strings.Contains(errs, "decided") {
			t.Errorf("review list %s: exit %d, stdout %q, stderr %q; want exit 2 naming %q and the known values", strings.Join(args, " "), code, strings.TrimSpace(out), strings.TrimSpace(errs), args[1])
		}
	}
}

// TestRunSaysWhatItDeleted: a run that deletes a record (a delete
// approved in review) said "created 0, updated 0, … failed 0", and `runs`
// and `runs show` had no count of deletes either, so a run that deleted
// records read as one that wrote nothing.
func TestRunSaysWhatItDeleted(t *testing.T) {
	h := newHarness(t)
	vs := h.startSandbox()
	h.connect(vs["hubspot"], "hs")
	h.connect(vs["salesforce"], "sf")
	file := filepath.Join(t.TempDir(), "contacts.yaml")
	os.WriteFile(file, []byte(strings.Replace(contactsYAML, "propagate_deletes: false", "propagate_deletes: true", 1)), 0o600)
	h.mustRun("sync", "apply", "-f", file)
	h.mustRun("sync", "run", "contacts", "--yes")

	// Delete one linked HubSpot contact through HubSpot's API; the next run
	// holds the delete of its Salesforce partner for review.
	var list struct {
		Results []struct {
			ID string `json:"id"`
		} `json:"results"`
	}
	json.Unmarshal(api(t, "GET", vs["hubspot"].APIBase+"/crm/objects/2026-03/contacts?limit=1", vs["hubspot"].AccessToken, nil), &list)
	gone := list.Results[0].ID
	api(t, "DELETE", vs["hubspot"].APIBase+"/crm/objects/2026-03/contacts/"+gone, vs["hubspot"].AccessToken, nil)
	time.Sleep(10 * time.Millisecond)
	h.mustRun("sync", "run", "contacts", "--yes")
	var items []struct {
		ID       int64  `json:"id"`
		Side     string `json:"side"`
		RecordID string `json:"record_id"`
	}
	json.Unmarshal([]byte(h.mustRun("review", "list", "--kind", "delete", "--json")), &items)
	var item int64
	for _, it := range items {
		if it.Side == "a" && it.RecordID == gone {
			item = it.ID
		}
	}
	if item == 0 {
		t.Fatalf("no delete held for HubSpot contact %s: %+v", gone, items)
	}
	h.mustRun("review", "resolve", fmt.Sprint(item), "--delete")

	out := h.mustRun("sync", "run", "contacts")
	if !strings.Contains(out, "deleted 1") {
		t.Errorf("the run that deleted the Salesforce contact says:\n%s\nwant \"deleted 1\"", out)
	}
	id := runIDIn(t, out)
	if show := h.mustRun("runs", "show", id); !strings.Contains(show, "deleted 1") {
		t.Errorf("runs show %s:\n%s\nwant \"deleted 1\"", id, show)
	}
	var runs []map[string]any
	json.Unmarshal([]byte(h.mustRun("runs", "--json")), &runs)
	if len(runs) == 0 || fmt.Sprint(runs[0]["id"]) != id || runs[0]["deleted"] != float64(1) {
		t.Errorf("runs --json, newest first: %v; want run %s with \"deleted\": 1", runs, id)
	}
}
