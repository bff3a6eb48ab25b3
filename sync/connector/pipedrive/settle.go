package pipedrive

import (
	"time"

	"github.com/crmsync/crmsync/sync/connector/timecursor"
)

// readFrom is the updated_since of a read resuming after cur (inclusive,
// whole seconds): the cursor's own second, whose records read are skipped
// by their ids, or, once it is settled (a complete read began well after
// that second ended, by the server's Date), the next second, so a
// no-change run does not list again every record a bulk write stamped
// with it (500 a call); zero reads everything.
func readFrom(cur timecursor.Cursor) time.Time {
	if cur.Settled() {
		return cur.At.Truncate(time.Second).Add(time.Second)
	}
	return cur.At
}
