package salesforce

import (
	"context"
	"strings"
	"testing"
)

// TestTimeZoneRefusedNamesSalesforcesMessage: an integration user
// without "View Setup and Configuration", refused the Organization, gets
// an error that carries Salesforce's own code and message.
func TestTimeZoneRefusedNamesSalesforcesMessage(t *testing.T) {
	o := newOrg(t)
	o.sim.RefuseOrganization(true)
	_, err := o.connect(t, 0).TimeZone(context.Background())
	if err == nil || !strings.Contains(err.Error(), "INVALID_TYPE") || !strings.Contains(err.Error(), "sObject type 'Organization' is not supported") {
		t.Fatalf("TimeZone() error = %v; want Salesforce's INVALID_TYPE and its message", err)
	}
}
