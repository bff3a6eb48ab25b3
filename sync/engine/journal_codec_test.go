package engine

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

// TestJournalEncodingReadsBack: a batch reads back, as reconcileJournal
// reads it, with the ids, keys, base, fields and old values it was written
// with, quotes, escapes and HTML characters included.
func TestJournalEncodingReadsBack(t *testing.T) {
	odd := `quote " back\slash <b>&</b> tab	é 🚀`
	create := pending{w: &Write{Source: "a1", Base: []BaseValue{{"email>Email", "ada@example.com"}, {"name>Name", odd}}},
		op: connector.Op{Kind: connector.OpCreate, Fields: map[string]string{"Email": "ada@example.com", "Name": odd}}, key: "ada@example.com"}
	update := pending{w: &Write{ID: "b2", Source: "a2", Base: []BaseValue{{"city>City", "Paris"}},
		Changes: []Change{{Field: "City", Old: odd, New: "Paris"}}},
		op: connector.Op{Kind: connector.OpUpdate, ID: "b2", Fields: map[string]string{"City": "Paris"}}}
	bare := pending{w: &Write{Source: "a3"}, op: connector.Op{Kind: connector.OpCreate}}
	for _, tc := range []struct {
		ps     []pending
		create bool
		want   []journalEntry
	}{
		{[]pending{create, bare}, true, []journalEntry{
			{Source: "a1", Key: "ada@example.com", Base: map[string]string{"email>Email": "ada@example.com", "name>Name": odd}, Fields: map[string]string{"Email": "ada@example.com", "Name": odd}},
			{Source: "a3"},
		}},
		{[]pending{update}, false, []journalEntry{
			{ID: "b2", Source: "a2", Base: map[string]string{"city>City": "Paris"}, Fields: map[string]string{"City": "Paris"}, Old: map[string]string{"City": odd}},
		}},
	} {
		b, err := encodeJournal(tc.ps, tc.create)
		if err != nil {
			t.Fatal(err)
		}
		var got []journalEntry
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if len(got) != len(tc.want) {
			t.Fatalf("%s: %d entries, want %d", b, len(got), len(tc.want))
		}
		for i, g := range got {
			w := tc.want[i]
			if g.ID != w.ID || g.Source != w.Source || g.Key != w.Key || !maps.Equal(g.Base, w.Base) || !maps.Equal(g.Fields, w.Fields) || !maps.Equal(g.Old, w.Old) {
				t.Errorf("entry %d of %s:\n got %+v\nwant %+v", i, b, g, w)
			}
		}
	}
}

// BenchmarkEncodeJournal renders the journal row of a batch of 100
// creates with 6 fields and 6 base values each.
func BenchmarkEncodeJournal(b *testing.B) {
	ps := make([]pending, 100)
	for i := range ps {
		email := fmt.Sprintf("person%d@example.com", i)
		fields := map[string]string{"Email": email, "FirstName": "Person", "LastName": fmt.Sprintf("Number %d", i),
			"Title": "Engineer", "Phone": fmt.Sprintf("+15550100%03d", i), "MailingCity": "Paris"}
		var base []BaseValue
		for k, v := range fields {
			base = append(base, BaseValue{strings.ToLower(k) + ">" + k, v})
		}
		ps[i] = pending{w: &Write{Source: fmt.Sprint(1000 + i), Base: base},
			op: connector.Op{Kind: connector.OpUpsert, Fields: fields}, key: email}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encodeJournal(ps, true); err != nil {
			b.Fatal(err)
		}
	}
}
