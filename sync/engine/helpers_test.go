package engine_test

import (
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/engine/memconn"
	"github.com/crmsync/crmsync/sync/mapping"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func emailN(i int) string { return fmt.Sprintf("p%03d@example.com", i) }

func engineDecision(action, other, value string) engine.Decision {
	return engine.Decision{Action: action, OtherID: other, Value: value}
}

func engineApply(confirm bool) engine.ApplyOptions {
	return engine.ApplyOptions{Confirm: confirm, Trigger: "manual"}
}

func engineFull() engine.PlanOptions { return engine.PlanOptions{FullResync: true} }

func newEmptyB(f *fixture) *memconn.Conn {
	return memconn.New(memconn.Options{Vendor: "salesforce-mem", IDPrefix: "z", Schemas: []connector.Schema{schemaB()}, Clock: f.clock.Now})
}

func mappingField(a, b string) mapping.Field { return mapping.Field{A: a, B: b} }
