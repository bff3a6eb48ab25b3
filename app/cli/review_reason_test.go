package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestReviewListShowsWholeReason: `review list` without --json cut
// each item's detail, as raw JSON, at 80 characters, so the reason's end
// (the records named, what to do) was lost. Each reason must show whole.
func TestReviewListShowsWholeReason(t *testing.T) {
	h, _ := contactsHarness(t)
	h.mustRun("sync", "run", "contacts", "--yes")
	var items []struct {
		Detail struct {
			Reason string `json:"reason"`
		} `json:"detail"`
	}
	if err := json.Unmarshal([]byte(h.mustRun("review", "list", "--json")), &items); err != nil || len(items) == 0 {
		t.Fatalf("review list --json: %v %+v", err, items)
	}
	out := h.mustRun("review", "list")
	for _, it := range items {
		if !strings.Contains(out, it.Detail.Reason) {
			t.Errorf("review list does not show the reason %q:\n%s", it.Detail.Reason, out)
		}
	}
}
