package zoho

import (
	"context"
	"errors"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// msgUnknownField is Zoho's refusal of a write naming a field the module
// does not have (INVALID_DATA, createRecords' 207 example).
const msgUnknownField = "the field api name given seems to be invalid"

// supportedPrefix opens what a record's error message adds for Zoho's
// refusal of a picklist value (INVALID_DATA with details.supported_values).
const supportedPrefix = " (supported values: "

// fieldsKey is the metadata cache's key for a module's fields. "#2":
// fields cached before decimal_place was kept lack it, and a currency
// field read from them would compare amounts Zoho rounded as edits.
func fieldsKey(object string) string { return "zoho/v8/" + object + "/fields#2" }

// forgetIfStale drops object's cached fields when Zoho refused a call for
// a field the cached schema offers but the module no longer has (an admin
// deleted or renamed it): a read's fields parameter naming it (INVALID_DATA
// naming the field), or a record's write (INVALID_DATA, msgUnknownField).
// A write's picklist value refused with the field's supported values
// (INVALID_DATA, supportedPrefix) says likewise that an admin removed an
// option the cached fields still list.
// The run that hit it keeps its schema; the next one fetches the fields
// again, so its sync is named as mapping a field Zoho does not have, or a
// value its picklist no longer offers.
func (c *Connector) forgetIfStale(ctx context.Context, sc *schema, err error) {
	var ce *connector.Error
	var re *connector.RecordError
	stale := false
	switch {
	case errors.As(err, &re):
		f, known := sc.Field(re.Field)
		picklist := (f.Type == connector.TypeEnum || f.Type == connector.TypeMulti) && strings.Contains(re.Message, supportedPrefix)
		stale = re.Code == "INVALID_DATA" && known && (strings.EqualFold(strings.TrimSpace(re.Message), msgUnknownField) || picklist)
	case errors.As(err, &ce):
		stale = ce.Code == "INVALID_DATA" && namesField(sc, ce.Message)
	}
	if stale {
		_ = c.meta.Forget(ctx, fieldsKey(sc.Object)) // the cache's owner logs its failures
	}
}

// namesField reports whether msg, an apiError message, ends by
// naming one of sc's fields in parentheses ("invalid data (Customer_Tier)").
func namesField(sc *schema, msg string) bool {
	i := strings.LastIndex(msg, " (")
	if i < 0 || !strings.HasSuffix(msg, ")") {
		return false
	}
	_, ok := sc.Field(msg[i+2 : len(msg)-1])
	return ok
}
