package salesforce

import (
	"context"
	"fmt"

	"github.com/crmsync/crmsync/sync/connector"
)

// duplicateRuleHeaderKey carries the Sforce-Duplicate-Rule-Header value
// of a write (API 52.0 and later).
type duplicateRuleHeaderKey struct{}

// withDuplicateRuleHeader marks a write's ctx with the duplicate rule
// header it needs. Salesforce's standard duplicate rules are active in
// every org and "alert" on likely duplicates, which through the API,
// with the header's default allowSave=false, refuses the save
// (DUPLICATES_DETECTED). An update of a linked record sends
// allowSave=true: it copies a change a person made in the other CRM to
// a record that exists, and creates no duplicate; refusing it would only
// leave the record stale. A create or upsert acknowledges the alert only
// when a person decided it (connector.WithDuplicatesAllowed); otherwise
// its refusal names the matched records, for review. A rule that blocks
// refuses either way. The rules run with the integration user's sharing,
// so the records they name are ones the sync can read and link.
func withDuplicateRuleHeader(ctx context.Context, update bool) context.Context {
	allow := update || connector.DuplicatesAllowed(ctx)
	return context.WithValue(ctx, duplicateRuleHeaderKey{},
		fmt.Sprintf("allowSave=%t; includeRecordDetails=false; runAsCurrentUser=true", allow))
}

// duplicateRuleHeader is the header value ctx carries, or "".
func duplicateRuleHeader(ctx context.Context) string {
	v, _ := ctx.Value(duplicateRuleHeaderKey{}).(string)
	return v
}
