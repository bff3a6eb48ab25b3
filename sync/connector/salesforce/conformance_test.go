package salesforce

import (
	"testing"

	"github.com/crmsync/crmsync/sync/connector/conformance"
)

func conformanceHarness() conformance.Harness {
	h := conformance.Harness{Name: "salesforce", Object: "Contact", BatchSize: BatchSize, PageSize: PageSize, CreatesNotReplayed: true}
	h.Fields.Email, h.Fields.First, h.Fields.Last, h.Fields.Phone = "Email", "FirstName", "LastName", "Phone"
	return h
}

func runConformance(t *testing.T, h conformance.Harness) { conformance.Run(t, h) }
