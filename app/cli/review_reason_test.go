package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestReviewListShowsWholeReason: `review list` without --json cut
// each item's detail, as raw JSON, at 80 characters, so the reason's end
// (the records named, what to do) was lost. Each reason must show whole,
// its sides named by connection and object.
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
	names := app.SideNames{"hs contacts", "sf Contact"} // contactsYAML's sides
	for _, it := range items {
		if want := names.InText(it.Detail.Reason); !strings.Contains(out, want) {
			t.Errorf("review list does not show the reason %q:\n%s", want, out)
		}
	}
}
