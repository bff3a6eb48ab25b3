package cli_test

import (
	"strings"
	"testing"
)

// TestDuplicateReviewListKnowsDuplicate: a duplicate rule's refusal waits
// in review as kind "duplicate"; `review list --kind duplicate` must list
// them, not call the kind unknown (exit 2), and the help must name it.
func TestDuplicateReviewListKnowsDuplicate(t *testing.T) {
	h := newHarness(t)
	out, errs, code := h.run("review", "list", "--kind", "duplicate", "--json")
	if code != 0 {
		t.Fatalf("review list --kind duplicate: exit %d, stdout %q, stderr %q", code, strings.TrimSpace(out), strings.TrimSpace(errs))
	}
	help, _, _ := h.run("review", "list", "--help")
	if !strings.Contains(help, "duplicate") {
		t.Fatalf("review list --help does not name kind duplicate:\n%s", help)
	}
}
