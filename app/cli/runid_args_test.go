package cli_test

import (
	"strings"
	"testing"
)

// TestBadRunIDsAreUsageErrors: a run id no run can have (zero,
// negative, text, a fraction, past int64) is a usage error (exit 2) in
// one line that says what a run id is, never "not a number" for a number
// or a flag parser's complaint about "-1".
func TestBadRunIDsAreUsageErrors(t *testing.T) {
	h := newHarness(t)
	for _, sub := range []string{"show", "undo"} {
		for _, id := range []string{"0", "-1", "abc", "1.5", "99999999999999999999"} {
			args := []string{"runs", sub, id}
			_, errs, code := h.run(args...)
			line := strings.TrimSpace(errs)
			if code != 2 {
				t.Errorf("crmsync %s: exit %d, want 2 (usage); stderr %q", strings.Join(args, " "), code, errs)
			}
			if !strings.Contains(line, id) || !strings.Contains(line, "run ids are whole numbers from 1") || !strings.Contains(line, "crmsync runs") {
				t.Errorf("crmsync %s: stderr %q; want it to name %q, say run ids are whole numbers from 1 and where to list them", strings.Join(args, " "), errs, id)
			}
			if strings.Count(line, "\n") > 0 {
				t.Errorf("crmsync %s: want one clear line, got:\n%s", strings.Join(args, " "), errs)
			}
		}
	}
}

// TestBadReviewIDsAreUsageErrors: as above for `review resolve`.
func TestBadReviewIDsAreUsageErrors(t *testing.T) {
	h := newHarness(t)
	for _, id := range []string{"0", "-1", "x"} {
		args := []string{"review", "resolve", id, "--skip"}
		_, errs, code := h.run(args...)
		if code != 2 || !strings.Contains(errs, "review item ids are whole numbers from 1") || !strings.Contains(errs, "crmsync review list") {
			t.Errorf("crmsync %s: exit %d, stderr %q; want exit 2 saying review item ids are whole numbers from 1", strings.Join(args, " "), code, errs)
		}
	}
}
