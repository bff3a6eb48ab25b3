package dynamics

import (
	"time"

	"github.com/crmsync/crmsync/sync/connector/timecursor"
)

// readFrom is where a read resuming after cur asks modifiedon ge from
// (whole seconds): the cursor's own second, whose rows read are skipped by
// their ids, or, once it is settled (a complete read began well after that
// second ended, by the server's Date), the next second, so a no-change run
// does not list again every row an import stamped with it (5,000 a call).
func readFrom(cur timecursor.Cursor) time.Time {
	if cur.Settled() {
		return cur.At.UTC().Truncate(time.Second).Add(time.Second)
	}
	return cur.At.UTC()
}
