package cli_test

import (
	"strings"
	"testing"
)

// TestUnknownNamesAreUsageErrors: every command that takes a
// connection's or a sync's name treats a name no one has as `sync run`
// does: a usage error (exit 2), one line, the closest names suggested.
// Before, `disconnect hx` exited 1 with the store's "not found", `objects`
// likewise, and `runs --sync` / `review list --sync` listed nothing as if
// the sync were fine. And a typo that was not a prefix ("contcats") got
// no suggestion: SuggestionsFor called directly has a distance of 0.
func TestUnknownNamesAreUsageErrors(t *testing.T) {
	h, _ := contactsHarness(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"disconnect", "hx"}, `no connection named "hx"; did you mean "hs"`},
		{[]string{"objects", "sff"}, `no connection named "sff"; did you mean "sf"`},
		{[]string{"sync", "export", "contact"}, `no sync named "contact"; did you mean "contacts"`},
		{[]string{"sync", "delete", "contact"}, `no sync named "contact"; did you mean "contacts"`},
		{[]string{"sync", "run", "contact"}, `no sync named "contact"; did you mean "contacts"`},
		// Not a prefix: suggested by distance, as cobra does for commands.
		{[]string{"sync", "run", "contcats"}, `no sync named "contcats"; did you mean "contacts"`},
		{[]string{"runs", "--sync", "contact"}, `no sync named "contact"; did you mean "contacts"`},
		{[]string{"review", "list", "--sync", "contact"}, `no sync named "contact"; did you mean "contacts"`},
	}
	for _, c := range cases {
		_, errs, code := h.run(c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("crmsync %s: exit %d, stderr %q; want exit 2 containing %q", strings.Join(c.args, " "), code, errs, c.want)
		}
		if strings.Count(strings.TrimSpace(errs), "\n") > 0 {
			t.Errorf("crmsync %s: want one clear line, got:\n%s", strings.Join(c.args, " "), errs)
		}
	}
	// The names that exist still work, and nothing was removed by the typos.
	if out := h.mustRun("connections"); !strings.Contains(out, "hs") || !strings.Contains(out, "sf") {
		t.Errorf("connections after the typos: %q", out)
	}
	h.mustRun("runs", "--sync", "contacts")
	h.mustRun("review", "list", "--sync", "contacts")
}

// TestUnknownIDsAreUsageErrors: a run or review id no row has is a
// typo like an unknown name: exit 2, one line that says where the ids are
// listed. Before, `runs undo 999` said "no run 999: store: run 999: not
// found" and `review resolve 999` "store: review item 999: not found"
// after a WARN log line repeating it, both exit 1.
func TestUnknownIDsAreUsageErrors(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"runs", "show", "999"}, "no run 999 (list them with `crmsync runs`)"},
		{[]string{"runs", "undo", "999"}, "no run 999 (list them with `crmsync runs`)"},
		{[]string{"review", "resolve", "999", "--skip"}, "no review item 999 (list them with `crmsync review list`)"},
	}
	for _, c := range cases {
		_, errs, code := h.run(c.args...)
		if code != 2 || !strings.Contains(errs, c.want) || strings.Contains(errs, "store:") {
			t.Errorf("crmsync %s: exit %d, stderr %q; want exit 2 with %q", strings.Join(c.args, " "), code, errs, c.want)
		}
		if strings.Count(strings.TrimSpace(errs), "\n") > 0 {
			t.Errorf("crmsync %s: want one clear line, got:\n%s", strings.Join(c.args, " "), errs)
		}
	}
}
