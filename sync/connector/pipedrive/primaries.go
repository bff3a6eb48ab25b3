package pipedrive

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// A sync maps one person of an activity and one email or phone of a
// person, where Pipedrive keeps several with one primary: writing one
// sets the primary and keeps the others, so no participant, email or
// phone a person added in Pipedrive is dropped.

// participant is one person of an activity.
type participant struct {
	PersonID json.Number `json:"person_id"`
	Primary  bool        `json:"primary"`
}

// participantsOf is current's participants, or none.
func participantsOf(current *item) []participant {
	if current == nil {
		return nil
	}
	return current.Participants
}

// withPrimaryParticipant makes person v the activity's primary
// participant and keeps the others as they are: a sync maps one person,
// and must not drop the others an activity has in Pipedrive. The new
// person replaces the old primary only where the activity had just that
// one (a move); with several, the old primary stays beside them, since
// the person the sync agreed on may be one of the others (participantIDs)
// and nobody took the primary off. A blank v leaves no primary, and no
// one else is removed. v may list persons as they are read, the primary
// first: the others join the activity's participants (an undo puts back
// what it read).
func withPrimaryParticipant(ps []participant, v string) ([]map[string]any, error) {
	var ids []string
	for id := range strings.SplitSeq(v, ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		if _, err := strconv.ParseInt(id, 10, 64); err != nil {
			return nil, fmt.Errorf("%q is not a Pipedrive id", id)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	out := []map[string]any{}
	for i, id := range ids {
		out = append(out, map[string]any{"person_id": json.Number(id), "primary": i == 0})
	}
	for _, p := range ps {
		if (!p.Primary || len(ps) > 1) && !slices.Contains(ids, p.PersonID.String()) {
			out = append(out, map[string]any{"person_id": p.PersonID, "primary": false})
		}
	}
	return out, nil
}

// itemsOf is current's emails or phones, or none.
func itemsOf(current *item, emails bool) []contactItem {
	if current == nil {
		return nil
	}
	if emails {
		return current.Emails
	}
	return current.Phones
}

// withPrimary sets the primary entry of a person's emails or phones to v
// and keeps every other entry: a sync maps one email, and must not drop
// the others a person keeps in Pipedrive. A blank v removes the primary
// entry only.
func withPrimary(items []contactItem, v, label string) []contactItem {
	v = strings.TrimSpace(v)
	out := make([]contactItem, 0, len(items)+1)
	at := -1
	for i, it := range items {
		if it.Primary || (at < 0 && i == 0 && !anyPrimary(items)) {
			at = i
		}
	}
	for i, it := range items {
		switch {
		case i == at:
			if v != "" {
				it.Value, it.Primary = v, true
				out = append(out, it)
			}
		case strings.EqualFold(it.Value, v):
			// the new primary was a secondary entry: keep one copy
		default:
			it.Primary = false
			out = append(out, it)
		}
	}
	if at < 0 && v != "" {
		out = append([]contactItem{{Value: v, Primary: true, Label: label}}, out...)
	}
	return out
}

func anyPrimary(items []contactItem) bool {
	for _, it := range items {
		if it.Primary {
			return true
		}
	}
	return false
}
