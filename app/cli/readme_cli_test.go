package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestApplyAfterPreviewSaysFullPass: a sync only previewed has read
// both sides, so a mapping row saved before its first run makes that run a
// full pass (README); `sync apply` says so, as it does after a run, and
// `sync list --json` shows it due.
func TestApplyAfterPreviewSaysFullPass(t *testing.T) {
	h, _ := contactsHarness(t)
	h.mustRun("sync", "run", "contacts", "--dry-run")

	withCity := strings.Replace(contactsYAML, "schedule:", "  - {a: city, b: MailingCity, rule: unless-blank}\nschedule:", 1)
	file := filepath.Join(t.TempDir(), "contacts.yaml")
	os.WriteFile(file, []byte(withCity), 0o600)
	_, errs, code := h.run("sync", "apply", "-f", file)
	var list []struct {
		FullPassDue string `json:"full_pass_due"`
	}
	if err := json.Unmarshal([]byte(h.mustRun("sync", "list", "--json")), &list); err != nil || len(list) != 1 {
		t.Fatalf("sync list: %v %+v", err, list)
	}
	if list[0].FullPassDue != "the field mapping changed" {
		t.Fatalf("full_pass_due = %q after a preview and a new row", list[0].FullPassDue)
	}
	if code != 0 || !strings.Contains(errs, "because the field mapping changed") {
		t.Fatalf("sync apply of a new row after a preview: exit %d; it does not say the next run is a full pass:\n%s", code, errs)
	}
}

// TestConnectJSONMatchesConnections: `connect … --json` describes the
// new connection as `connections --json` does, daily budget included.
func TestConnectJSONMatchesConnections(t *testing.T) {
	h := newHarness(t)
	vs := h.startSandbox()
	type conn struct {
		Name        string `json:"name"`
		Status      string `json:"status"`
		DailyBudget int    `json:"daily_budget"`
	}
	var got conn
	out := h.mustRun("connect", "hubspot", "--name", "hs", "--token", vs["hubspot"].AccessToken, "--api-base", vs["hubspot"].APIBase, "--json")
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("connect --json: %v\n%s", err, out)
	}
	var list []conn
	if err := json.Unmarshal([]byte(h.mustRun("connections", "--json")), &list); err != nil || len(list) != 1 {
		t.Fatalf("connections --json: %v %+v", err, list)
	}
	if got != list[0] {
		t.Fatalf("connect --json says %+v; connections --json says %+v", got, list[0])
	}
}
