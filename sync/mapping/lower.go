package mapping

import (
	"slices"

	"github.com/crmsync/crmsync/sync/connector"
)

// lowerRow makes a plain text row one of whose fields its vendor stores
// lower-cased (connector.Field.Lower, a HubSpot contact's email) compare
// and write its value lower-cased. HubSpot reads "Ada@Example.com" back as
// "ada@example.com": compared as read, that was taken for a HubSpot edit
// and written over the other side's own casing. The two sides hold one
// address whatever its case, so a case-only difference is no change
// either way, and the other side's casing stays until the address itself
// changes.
func lowerRow(c *codec) {
	if len(c.a) != 1 || len(c.b) != 1 || !foldable(c.b[0].Type) || c.b[0].Lower || !c.a[0].Lower {
		return
	}
	c.b = slices.Clone(c.b)
	c.b[0].Lower = true
}

// foldable says whether a field of type t holds free text whose case a
// vendor may fold.
func foldable(t connector.FieldType) bool {
	return t == connector.TypeEmail || t == connector.TypeString || t == connector.TypeText
}
