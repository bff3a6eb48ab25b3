package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestMailchimpLegacyExpiredAudienceNotSwitched: a connection set up
// before the default audience was pinned keeps only the day-long cache of
// the audience its runs used. Once that audience is deleted in Mailchimp
// and the cache row is older than a day, the next run must not fall back
// to the account's oldest remaining audience (creating the new HubSpot
// contact there); it fails naming the audience it last used.
func TestMailchimpLegacyExpiredAudienceNotSwitched(t *testing.T) {
	ctx := context.Background()
	a, srv, used, other := mailchimpTwoAudiences(t, 62, 12)
	mc := srv.Mailchimp()
	name := audienceName(t, a, used)
	unpinAndExpire(t, a)
	if err := mc.DeleteList(used); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.HubSpot().Create("contacts", map[string]string{"email": "late@northwind-traders.com", "firstname": "Late"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true})
	text := runOutcome(res, err)
	t.Logf("run after the delete: %s", text)
	if n := mc.Count(other); n != 0 {
		t.Fatalf("the run after the delete created %d members in audience %q (%s)", n, "Partners", other)
	}
	if err == nil && (res.Summary == nil || res.Summary.Status == "success") {
		t.Fatalf("the run after the delete succeeded: %+v", res.Summary)
	}
	for _, want := range []string{used, name} {
		if !strings.Contains(text, want) {
			t.Errorf("the error does not name %q:\n%s", want, text)
		}
	}
}

// unpinAndExpire makes the connection look like one from before pinning
// whose cache has aged: the pinned audience becomes the plain cache row it
// was then, and every cached row is two days old.
func unpinAndExpire(t *testing.T, a *app.App) {
	t.Helper()
	db := a.DB().SQL()
	const key = "mailchimp/3.0/default-audience"
	old := time.Now().Add(-48 * time.Hour).UnixMilli()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"DELETE FROM metadata_cache WHERE key = ?", []any{key}},
		{"UPDATE metadata_cache SET key = ? WHERE key = ?", []any{key, "pinned/" + key}},
		{"UPDATE metadata_cache SET fetched_at = ?", []any{old}},
	} {
		if _, err := db.Exec(q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	var pins int
	if err := db.QueryRow("SELECT count(*) FROM metadata_cache WHERE key LIKE 'pinned/%'").Scan(&pins); err != nil || pins != 0 {
		t.Fatalf("pinned rows left: %d %v", pins, err)
	}
}
