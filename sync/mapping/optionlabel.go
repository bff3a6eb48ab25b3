package mapping

import (
	"fmt"

	"github.com/crmsync/crmsync/sync/connector"
)

// Shown is canon, a canonical value (B's form), as a person reads it: the
// label of the B picklist option it is with its code, `Won (1)`, where the
// row writes one picklist field whose schema labels that option otherwise,
// and quoted as it is (`"1"`) where nothing labels it.
func (r Row) Shown(canon string) string {
	if r.c != nil && !r.OptOut && len(r.c.b) == 1 && r.c.b[0].Type == connector.TypeEnum {
		for _, o := range r.c.b[0].Options {
			if o.Value == canon && o.Label != "" && o.Label != canon {
				return fmt.Sprintf("%s (%s)", o.Label, canon)
			}
		}
	}
	return fmt.Sprintf("%q", canon)
}
