package pipedrive

import (
	"context"
	"errors"
	"net/http"

	"github.com/crmsync/crmsync/sync/connector"
)

// fieldsKey is the metadata cache's key for an object's fields. "/2": the
// entries kept since labels became a field (label_ids), so a list cached
// without their options is not read back.
func fieldsKey(object string) string { return "pipedrive/v2/" + object + "/fields/2" }

// forgetIfStale drops object's cached fields when Pipedrive refused a
// record's write blaming a custom field, or label_ids, of the cached
// schema: the connector checked the value against the cached options
// before sending it, so the refusal says an admin deleted the field
// ("custom_fields: unknown field") or the option ("custom_fields.<key>:
// option N does not exist") after the fields were cached [unverified:
// Pipedrive documents no message for either]. The run that hit it keeps
// its schema; the next one fetches the fields again, so its sync is named
// as mapping a field or a value Pipedrive no longer has instead of every
// retry until the cache expires sending the same value.
func (c *Connector) forgetIfStale(ctx context.Context, sc *schema, err error, re *connector.RecordError) {
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Status != http.StatusBadRequest {
		return // not Pipedrive's refusal: the connector's own, made before sending
	}
	if _, custom := sc.custom[re.Field]; custom || re.Field == labelsField {
		_ = c.meta.Forget(ctx, fieldsKey(sc.Object)) // the cache's owner logs its failures
	}
}
