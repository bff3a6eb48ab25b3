package dynamics

import (
	"context"
	"regexp"
	"strings"
)

// definitionKey is the metadata cache's key for a table's definition.
func definitionKey(logical string) string { return "dynamics/v9.2/" + logical + "/definition4" }

// unknownProperty is Dataverse's refusal of a property the table does not
// have: in a $select or $filter ("Could not find a property named 'x' on
// type 'Microsoft.Dynamics.CRM.contact'.") and in a write's body ("Invalid
// property 'x' was found in entity 'Microsoft.Dynamics.CRM.contact'").
var unknownProperty = regexp.MustCompile(`(?:Could not find a property named|Invalid property) '([A-Za-z0-9_]+)'`)

// forgetIfStale drops sc's cached definition when Dataverse refused a
// column the cached definition offers but the table no longer has (a
// maker deleted it): the next run reads the definition again, so its sync
// is named as mapping a column Dataverse does not have, instead of every
// run until the cache expires failing the same way. The run that hit it
// keeps its schema.
func (c *Connector) forgetIfStale(ctx context.Context, sc *schema, msg string) {
	m := unknownProperty.FindStringSubmatch(msg)
	if m == nil {
		return
	}
	name := m[1]
	if lookup, ok := strings.CutPrefix(name, "_"); ok { // a lookup's _x_value
		name = strings.TrimSuffix(lookup, "_value")
	}
	if _, known := sc.Field(name); known {
		_ = c.meta.Forget(ctx, definitionKey(sc.table.logical)) // the cache's owner logs its failures
	}
}
