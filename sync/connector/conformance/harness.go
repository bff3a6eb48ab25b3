// Package conformance is the test suite every connector must pass against its
// vendor's sandbox over real HTTP (rclone's fstests idea): one Harness per
// connector, one Run call, the same assertions for every vendor.
//
// Assertions are made on the records in the backend (through the harness's
// direct Get), never only on what the connector says it did.
package conformance

import (
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// Harness wires one connector and its backend into the suite.
//
// Run calls New once at the start of every subtest, with that subtest's t.
// Seed, Edit, Get, Requests and the Faults hooks called later in the same
// subtest receive the same t and must act on the backend New created for it
// (a map keyed by *testing.T is the simplest way).
type Harness struct {
	Name   string
	Object string // the contacts object name ("contacts", "Contact")
	// New returns a fresh connector against a fresh backend (sandbox over real HTTP).
	New func(t *testing.T) connector.Connector
	// Seed creates records directly in the backend (not through the
	// connector), returning their ids in order.
	Seed func(t *testing.T, recs []map[string]string) []string
	// Edit changes a record directly in the backend (like a user would).
	Edit func(t *testing.T, id string, fields map[string]string)
	// Get reads a record back from the backend directly; nil when it does
	// not exist (or is archived/deleted).
	Get    func(t *testing.T, id string) map[string]string
	Fields struct{ Email, First, Last, Phone string } // vendor field names
	Faults Faults

	// Optional knobs.

	// BatchSize is the connector's batch size; the split test writes
	// BatchSize+5 records. 0 skips that test.
	BatchSize int
	// PageSize is the connector's read page size; the full read seeds
	// PageSize*3/2 records so the read must cross pages. 0 seeds 25.
	PageSize int
	// ModifiedResolution is the granularity of the vendor's modified
	// timestamp (HubSpot ms, Salesforce SystemModstamp s). The incremental
	// test waits that long twice before editing so the edit gets a strictly
	// later timestamp than the cursor. 0 means 10 ms.
	ModifiedResolution time.Duration
	// Requests returns how many API requests the backend has served so far
	// (used to prove "no retry storm"); nil skips that assertion.
	Requests func(t *testing.T) int64
	// Timeout bounds each subtest's context; 0 means 2 minutes.
	Timeout time.Duration
	// CreatesNotReplayed says the connector's creates have no idempotency
	// key, so it never sends one twice: under server errors a create may
	// fail with an outcome-unknown error (connector.OutcomeUnknown) for
	// the engine to settle by a lookup. The fault test then writes each
	// record in its own call and checks that none is created twice.
	CreatesNotReplayed bool
}

// Faults are optional hooks that switch faults on (on=true) and off in the
// backend. A nil hook skips its subtest with a message naming why.
type Faults struct {
	// RateLimitStorm makes the backend answer many requests with 429.
	RateLimitStorm func(t *testing.T, on bool)
	// ServerErrors makes the backend answer many requests with 5xx.
	ServerErrors func(t *testing.T, on bool)
	// ExpireTokens expires every access token now; the connector's client
	// must refresh transparently. Leave nil when the harness's client
	// cannot refresh.
	ExpireTokens func(t *testing.T, on bool)
	// ExhaustBudget makes the backend report its daily API limit as spent.
	ExhaustBudget func(t *testing.T, on bool)
}
