package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readmeSyncFile is the README's example sync file: the first ```yaml
// block, the one a newcomer copies into contacts.yaml.
func readmeSyncFile(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "```yaml\n")
	if !ok {
		t.Fatal("README has no ```yaml block")
	}
	block, _, _ := strings.Cut(rest, "```")
	return block
}

// TestReadmeSyncFileApplies: the README's example sync file, copied
// as written, applies against HubSpot and Salesforce (the sandbox, which
// follows their field lists) and previews. It mapped HubSpot's company to
// a Contact's Company, a field only Salesforce Leads have, so a newcomer's
// first `sync apply` was refused.
func TestReadmeSyncFileApplies(t *testing.T) {
	h := newHarness(t)
	vs := h.startSandbox()
	h.connect(vs["hubspot"], "hs")
	h.connect(vs["salesforce"], "sf")
	file := filepath.Join(t.TempDir(), "contacts.yaml")
	os.WriteFile(file, []byte(readmeSyncFile(t)), 0o600)
	if out, errs, code := h.run("sync", "apply", "-f", file); code != 0 {
		t.Fatalf("sync apply of the README's file: exit %d\n%s%s", code, out, errs)
	}
	if out, errs, code := h.run("sync", "run", "contacts", "--dry-run"); code != 0 {
		t.Fatalf("preview of the README's sync: exit %d\n%s%s", code, out, errs)
	}
}
