package memconn_test

import (
	"sync"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	"github.com/crmsync/crmsync/sync/engine/memconn"
)

func contactSchema() connector.Schema {
	return connector.Schema{Object: "contacts", Fields: []connector.Field{
		{Name: "email", Type: connector.TypeEmail, Unique: true},
		{Name: "firstname", Type: connector.TypeString},
		{Name: "lastname", Type: connector.TypeString},
		{Name: "phone", Type: connector.TypePhone},
	}}
}

func TestConformance(t *testing.T) {
	var mu sync.Mutex
	conns := map[*testing.T]*memconn.Conn{}
	get := func(t *testing.T) *memconn.Conn {
		mu.Lock()
		defer mu.Unlock()
		return conns[t]
	}
	h := conformance.Harness{
		Name:   "memconn",
		Object: "contacts",
		New: func(t *testing.T) connector.Connector {
			c := memconn.New(memconn.Options{IDPrefix: "c", BatchSize: 10, PageSize: 10, UpsertKey: "email", Schemas: []connector.Schema{contactSchema()}})
			mu.Lock()
			conns[t] = c
			mu.Unlock()
			return c
		},
		Seed: func(t *testing.T, recs []map[string]string) []string {
			var ids []string
			for _, r := range recs {
				ids = append(ids, get(t).Put("contacts", r))
			}
			return ids
		},
		Edit:      func(t *testing.T, id string, f map[string]string) { get(t).Edit("contacts", id, f) },
		Get:       func(t *testing.T, id string) map[string]string { return get(t).Get("contacts", id) },
		BatchSize: 10,
		PageSize:  10,
		Requests:  func(t *testing.T) int64 { return get(t).Calls() },
	}
	h.Fields.Email, h.Fields.First, h.Fields.Last, h.Fields.Phone = "email", "firstname", "lastname", "phone"
	h.Faults.ExhaustBudget = func(t *testing.T, on bool) {
		if !on {
			get(t).SetFaults(memconn.Faults{})
			return
		}
		get(t).SetFaults(memconn.Faults{Call: func(memconn.CallInfo) (error, bool) {
			return &connector.Error{Vendor: "memconn", Endpoint: "any", Status: 429, Category: connector.CatBudget, Message: "daily limit reached"}, false
		}})
	}
	conformance.Run(t, h)
}
