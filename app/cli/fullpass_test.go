package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIMappingChangeFullPass: `sync apply` of a definition with a new
// mapping row says the next run merges every pair again, `sync list`
// shows it due, the run's plan says why, and after it nothing is due.
func TestCLIMappingChangeFullPass(t *testing.T) {
	h, _ := contactsHarness(t)
	h.mustRun("sync", "run", "contacts", "--yes")

	withCity := strings.Replace(contactsYAML, "schedule:", "  - {a: city, b: MailingCity, rule: unless-blank}\nschedule:", 1)
	file := filepath.Join(t.TempDir(), "contacts.yaml")
	os.WriteFile(file, []byte(withCity), 0o600)
	if _, errs, code := h.run("sync", "apply", "-f", file); code != 0 || !strings.Contains(errs, "because the field mapping changed") {
		t.Fatalf("sync apply of a new mapping row: exit %d\n%s", code, errs)
	}
	due := func() string {
		var list []struct {
			Name        string `json:"name"`
			FullPassDue string `json:"full_pass_due"`
		}
		if err := json.Unmarshal([]byte(h.mustRun("sync", "list", "--json")), &list); err != nil || len(list) != 1 {
			t.Fatalf("sync list: %v %+v", err, list)
		}
		return list[0].FullPassDue
	}
	if d := due(); d != "the field mapping changed" {
		t.Fatalf("full_pass_due = %q", d)
	}
	var run struct {
		Plan struct {
			FullPass string `json:"full_pass"`
		} `json:"plan"`
	}
	if err := json.Unmarshal([]byte(h.mustRun("sync", "run", "contacts", "--yes", "--json")), &run); err != nil || run.Plan.FullPass != "the field mapping changed" {
		t.Fatalf("run's plan full_pass = %q (%v)", run.Plan.FullPass, err)
	}
	if d := due(); d != "" {
		t.Fatalf("full pass still due after the run: %q", d)
	}
}
