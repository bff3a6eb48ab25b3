package dynamics

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// definitionKey is the metadata cache's key for a table's definition.
func definitionKey(logical string) string { return "dynamics/v9.2/" + logical + "/definition7" }

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

// codeOptionOutOfRange is Dataverse's PicklistValueOutOfRange: a choice
// value the column does not offer.
const codeOptionOutOfRange = "0x8004431a"

// forgetIfOptionGone drops sc's cached definition when Dataverse refused a
// record's write for a choice value of a column the cached definition
// offers (PicklistValueOutOfRange): a maker removed an option the cached
// definition still lists, and without this every retry until the cache
// expires sends the same value. The next run reads the definition again,
// so its sync is named as writing a value the column no longer has.
func (c *Connector) forgetIfOptionGone(ctx context.Context, sc *schema, err error) {
	var re *connector.RecordError
	if !errors.As(err, &re) || !strings.EqualFold(re.Code, codeOptionOutOfRange) {
		return
	}
	if _, known := sc.Field(re.Field); known || re.Field == "" { // a message naming no column still says an option is gone
		_ = c.meta.Forget(ctx, definitionKey(sc.table.logical)) // the cache's owner logs its failures
	}
}
