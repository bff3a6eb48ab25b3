package ui

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// TestReviewBlockedDuplicateOffersRetry: a blocked duplicate's item
// says the rule can be changed in Salesforce; once it is, the person needs
// a way forward: Retry create, saying it only works after that change,
// which decides the item "retry".
func TestReviewBlockedDuplicateOffersRetry(t *testing.T) {
	rule := salesforce.StandardContactDuplicateRule()
	rule.Name, rule.Block = "Block_Contact_Duplicates", true
	l, _ := reviewDuplicateFor(t, rule)
	l.see("then retry the create")
	l.tap("Retry create (once the rule or record is changed in the CRM)")
	l.wait()
	decided, err := l.a.Reviews(context.Background(), "dups", "duplicate", "decided")
	if err != nil || len(decided) != 1 || decided[0].Decision != `{"action":"retry"}` {
		t.Fatalf("decided duplicate items after Retry create: %+v %v", decided, err)
	}
}
