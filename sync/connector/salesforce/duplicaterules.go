package salesforce

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

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

// Whether an object has an active duplicate rule is read from the
// DuplicateRule sObject (Object Reference for the Salesforce Platform,
// "DuplicateRule", https://developer.salesforce.com/docs/platform/object-reference/references/standard-objects/object-duplicaterule.html:
// supported calls describeSObjects(), describeLayout(), query(),
// retrieve(), search(); fields DeveloperName (string), IsActive (boolean,
// read only, API 35.0 and later), SobjectType (picklist: the object the
// rule is defined for, e.g. Account, Contact, Lead); "As of Summer '20
// and later, only users with the View Setup and Configuration permission
// can access this object"), with one SOQL query:
//
//	SELECT Id FROM DuplicateRule WHERE SobjectType = 'Contact' AND IsActive = true LIMIT 1
//
// A user refused the object (INVALID_TYPE, as for the Organization) cannot
// tell; the standard rules are active in every new org, so the answer is
// then yes. The answer is kept in the metadata cache (a day, MetaTTL).
const duplicateRulesSOQL = "SELECT Id FROM DuplicateRule WHERE SobjectType = %s AND IsActive = true LIMIT 1"

// duplicateRulesKey names object's answer in the metadata cache.
func duplicateRulesKey(object string) string {
	return "salesforce/duplicaterules/" + strings.ToLower(object)
}

// MayRefuseDuplicates reports whether object has an active duplicate
// rule, which may refuse a create (connector.DuplicateChecker).
func (c *Conn) MayRefuseDuplicates(ctx context.Context, object string) (bool, error) {
	key := duplicateRulesKey(object)
	cached, ok, cacheErr := c.meta.Lookup(ctx, key)
	if ok && (string(cached) == "true" || string(cached) == "false") {
		return string(cached) == "true", nil
	}
	u, err := c.dataURL(ctx, "/query", url.Values{"q": {fmt.Sprintf(duplicateRulesSOQL, quote(object))}})
	if err != nil {
		return false, withCacheErr(fmt.Errorf("salesforce: duplicate rules of %s: %w", object, err), cacheErr)
	}
	var qr queryResult
	active := false
	var ce *connector.Error
	switch err := c.call(ctx, http.MethodGet, u, nil, &qr, ""); {
	case errors.As(err, &ce) && ce.Code == "INVALID_TYPE":
		active = true // not allowed to see the rules: assume the standard ones
	case err != nil:
		return false, withCacheErr(fmt.Errorf("salesforce: duplicate rules of %s: %w", object, err), cacheErr)
	default:
		active = qr.TotalSize > 0 || len(qr.Records) > 0
	}
	_ = c.meta.Store(ctx, key, []byte(strconv.FormatBool(active))) // a failure is logged by the cache's owner
	return active, nil
}
