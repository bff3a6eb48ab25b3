package cli_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// restoredYAML syncs HubSpot contacts with Salesforce Contacts and
// holds deletes for review, so a Contact deleted and restored in
// Salesforce closes its held delete with a warning.
const restoredYAML = `name: contacts
a: {connection: hs, object: contacts}
b: {connection: sf, object: Contact}
direction: two-way
match:
  - {a: email, b: Email, normalize: email}
unmatched: create
conflict: newer
fields:
  - {a: email, b: Email}
  - {a: firstname, b: FirstName}
  - {a: lastname, b: LastName}
safety: {max_change_percent: 100, max_changes: 1000, propagate_deletes: true}
`

// sideLetter finds a side named by its letter: "side B", "read A 7",
// "merged A 3", "create: A 0".
var sideLetter = regexp.MustCompile(`\b[Ss]ide [AB]\b|\b(?:read|merged|create:|update:) [AB] \d`)

// TestCLIWarningsAndCountsNameCRMs: `sync run` printed "read A 5,
// B 5", "create: A 0, B 5" and an engine warning "003… on side B is no
// longer deleted", and `runs show` the same warning, where every other
// line names the connections. Each names "hs contacts" and "sf Contact".
func TestCLIWarningsAndCountsNameCRMs(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	srv, vs := h.startSandboxHere()
	h.connect(vs["hubspot"], "hs")
	h.connect(vs["salesforce"], "sf")
	file := filepath.Join(t.TempDir(), "contacts.yaml")
	if err := os.WriteFile(file, []byte(restoredYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	h.mustRun("sync", "apply", "-f", file)
	run := func() string {
		t.Helper()
		out, errs, code := h.runHere(ctx, http.DefaultTransport, "sync", "run", "contacts", "--yes")
		if code != 0 {
			t.Fatalf("sync run: exit %d\n%s\n%s", code, out, errs)
		}
		return out
	}
	first := run()
	if !strings.Contains(first, "hs contacts") || !strings.Contains(first, "sf Contact") {
		t.Errorf("the first run's lines do not name the connections:\n%s", first)
	}
	for _, l := range strings.Split(first, "\n") {
		if m := sideLetter.FindString(l); m != "" {
			t.Errorf("the run's line says %q, a side letter: %q", m, l)
		}
	}

	sf := srv.Salesforce()
	recs := sf.Records("Contact")
	if len(recs) == 0 {
		t.Fatal("no Salesforce Contact after the first run")
	}
	id := recs[0].ID
	time.Sleep(1100 * time.Millisecond) // a modstamp after the run's (seconds)
	if !sf.Delete("Contact", id) {
		t.Fatalf("could not delete Contact %s", id)
	}
	run()
	time.Sleep(1100 * time.Millisecond)
	if err := sf.Undelete("Contact", id); err != nil {
		t.Fatal(err)
	}
	out := run()
	var warned string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "warning:") && strings.Contains(l, id) {
			warned = l
		}
	}
	if warned == "" {
		t.Fatalf("the run after the restore warns of nothing about %s:\n%s", id, out)
	}
	if m := sideLetter.FindString(warned); m != "" || !strings.Contains(warned, "sf Contact") {
		t.Errorf("the warning says %q, not the CRM sf Contact: %q", m, warned)
	}
	shown := h.mustRun("runs", "show", runIDIn(t, out))
	if m := sideLetter.FindString(shown); m != "" || !strings.Contains(shown, id+" in sf Contact") {
		t.Errorf("runs show says %q, not the CRM sf Contact:\n%s", m, shown)
	}

	// The runs table's header named its calls column "API CALLS A/B".
	table := h.mustRun("runs")
	header, _, _ := strings.Cut(table, "\n")
	if strings.Contains(header, "A/B") {
		t.Errorf("the runs table's header says A/B: %q", header)
	}
	// Scripts read --json: its keys stay.
	var runs []map[string]any
	if err := json.Unmarshal([]byte(h.mustRun("runs", "--json")), &runs); err != nil || len(runs) == 0 {
		t.Fatalf("runs --json: %v", err)
	}
	for _, k := range []string{"api_calls_a", "api_calls_b", "warnings"} {
		if _, ok := runs[0][k]; !ok {
			t.Errorf("runs --json lost its %q key: %v", k, runs[0])
		}
	}
}
