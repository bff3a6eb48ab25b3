package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestApplyJSONPrintsSavedSync: `sync apply --json` tells a script
// what it saved on stdout, as `sync list --json` describes it.
func TestApplyJSONPrintsSavedSync(t *testing.T) {
	h, _ := contactsHarness(t)
	file := filepath.Join(t.TempDir(), "contacts.yaml")
	os.WriteFile(file, []byte(strings.Replace(contactsYAML, "every 15m", "every 30m", 1)), 0o600)
	out, errs, code := h.run("sync", "apply", "-f", file, "--json")
	var got struct {
		Name     string `json:"name"`
		Schedule string `json:"schedule"`
		Created  *bool  `json:"created"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("sync apply --json: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if got.Name != "contacts" || got.Schedule != "every 30m" || got.Created == nil || *got.Created {
		t.Fatalf("sync apply --json of an existing sync printed %s", out)
	}
}

// TestRunUnknownSyncSuggests: a misspelt sync name is a usage error
// (exit 2) that names the sync meant.
func TestRunUnknownSyncSuggests(t *testing.T) {
	h, _ := contactsHarness(t)
	for _, args := range [][]string{{"sync", "run", "contact", "--dry-run"}, {"sync", "export", "Contacts"}} {
		out, errs, code := h.run(args...)
		if code != 2 || !strings.Contains(errs, `did you mean "contacts"?`) {
			t.Fatalf("crmsync %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, out, errs)
		}
	}
}

// TestDryRunTextShowsChanges: the text preview lists the first
// changes field by field, old → new, and counts the rest.
func TestDryRunTextShowsChanges(t *testing.T) {
	h, _ := contactsHarness(t)
	out := h.mustRun("sync", "run", "contacts", "--dry-run")
	if !regexp.MustCompile(`(?m)^  \S.*?\s+new \S+\s+(FirstName|firstname)\s+""\s+→\s+"[^"]+"`).MatchString(out) || !strings.Contains(out, "… and ") {
		t.Fatalf("sync run --dry-run shows no field changes old → new:\n%s", out)
	}
}
