package mailchimp

import (
	"context"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// selection is what a list call asks Mailchimp for (its fields= value)
// and the record fields that answer fills; names nil means every field.
type selection struct {
	fields string
	names  map[string]bool
}

// selectionOf is what a read marked with connector.WithReadFields asks
// for: the fields named, each by its path in a member (Mailchimp's fields=
// takes sub-objects' keys in dot notation: members.merge_fields.FNAME),
// and what the connector reads itself: the contact_id (the record's id),
// last_changed (the cursor), status (an archived member comes Deleted),
// the email address (the member's key, named in errors) and total_items
// (paging). An unmarked ctx reads everything.
func selectionOf(ctx context.Context, sc *schema) selection {
	want, ok := connector.ReadFields(ctx)
	if !ok {
		return selection{fields: memberFields}
	}
	names := map[string]bool{fEmail: true, fStatus: true, fLastChanged: true}
	paths := []string{"members.contact_id", "members.email_address", "members.status", "members.last_changed"}
	asked := map[string]bool{}
	for _, f := range sc.Fields { // schema order keeps the query the same from read to read
		if !want[f.Name] || names[f.Name] {
			continue
		}
		names[f.Name] = true
		if p := wirePath(f.Name, sc.refs[f.Name]); !asked[p] {
			asked[p] = true
			paths = append(paths, p)
			if f.Name == fTags {
				paths = append(paths, "members.tags_count") // more than 50 are read apart
			}
		}
	}
	return selection{fields: strings.Join(append(paths, "total_items"), ","), names: names}
}

// wirePath is where a field lives in a list call's answer: a merge
// field (every part of an address) under merge_fields by its tag, an
// interest category's interests in the interests map (keyed by interest
// id, and small: it is asked whole), a member property by its name.
func wirePath(name string, ref fieldRef) string {
	switch {
	case ref.tag != "":
		return "members.merge_fields." + ref.tag
	case ref.category != "":
		return "members.interests"
	}
	return "members." + name
}

// trim leaves in a record's fields only those the selection read: a field
// not asked for would otherwise read as blank, which is not what the
// member holds. A field asked for that Mailchimp did not send stays out
// too (not read): Mailchimp sends every merge field of the audience, ""
// when empty, so a tag it leaves out is one deleted since the schema was
// cached, and reading it as blank would clear the other CRM's value.
func (s selection) trim(f map[string]string) {
	if s.names == nil {
		return
	}
	for k := range f {
		if !s.names[k] {
			delete(f, k)
		}
	}
}
