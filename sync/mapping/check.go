package mapping

import (
	"fmt"

	"github.com/crmsync/crmsync/sync/connector"
)

// RowCheck is one mapping compiled alone: its row (OK false when it does
// not compile) and the problems it has whatever the other rows are.
type RowCheck struct {
	Row      Row
	OK       bool
	Label    string // the row as people see it, e.g. "phone → Phone"
	Problems []Problem
}

// CheckRow compiles mapping i on its own. Compile is CheckRow for every
// row plus Duplicates across them; an editor re-checks only the rows
// edited and runs Duplicates, which is cheap, over all of them.
func CheckRow(i int, f Field, syncDir Direction, a, b connector.Schema, links Links) RowCheck {
	cp := rowCompiler{i: i, f: f, syncDir: syncDir, a: a, b: b, links: links}
	row, ok := cp.compile()
	return RowCheck{Row: row, OK: ok, Label: cp.label, Problems: cp.problems}
}

// writerKey is a field a row writes: its side, and whether only on create.
type writerKey struct {
	create bool
	side   byte
	name   string
}

// Duplicates finds rows writing a field an earlier row writes, or
// mapping the same fields, in one pass over the rows in order.
type Duplicates struct {
	writers map[writerKey]int // field -> index of the first row writing it
	keys    map[string]int    // row key -> index of the first row with it
	groups  map[int]string    // row index -> its together group, if any
}

// NewDuplicates is an empty pass for about n rows.
func NewDuplicates(n int) *Duplicates {
	return &Duplicates{writers: make(map[writerKey]int, n), keys: make(map[string]int, n), groups: map[int]string{}}
}

// Check adds row i (checked by CheckRow) to the pass and returns its
// problems with the rows before it.
func (d *Duplicates) Check(i int, c RowCheck) []Problem {
	row := c.Row
	if !c.OK || row.Dir == None {
		return nil
	}
	var ps []Problem
	problem := func(field, msg string) {
		ps = append(ps, Problem{Row: i, Field: field, Message: msg, Label: c.Label})
	}
	// An on-create row may write a field another row writes: it gives a
	// new record its first value (a Mailchimp member's status), and the
	// other row's value, when it has one, wins (an opt-out).
	// Two rows of one together group may write one field too: they are
	// one write, the later row's value winning where both write it (a
	// deal's state over its sales phase; the engine's settleShared).
	if row.Together != "" {
		d.groups[i] = row.Together
	}
	mark := func(side byte, name string) {
		k := writerKey{create: row.OnCreate, side: side, name: name}
		if prev, dup := d.writers[k]; dup && (row.Together == "" || d.groups[prev] != row.Together) {
			problem(name, fmt.Sprintf("field %s is already written by mapping %d", name, prev+1))
			return
		}
		d.writers[k] = i
	}
	if row.Dir.readsA() {
		bs := row.BFields
		if row.c != nil && row.c.fwd.writesFirst {
			bs = bs[:1] // the rest is only read
		}
		for _, n := range bs {
			mark('B', n)
		}
	}
	if row.Dir.readsB() {
		for _, n := range row.AFields {
			mark('A', n)
		}
	}
	if prev, dup := d.keys[row.Key]; dup {
		problem("", fmt.Sprintf("maps the same fields as mapping %d", prev+1))
		return ps
	}
	d.keys[row.Key] = i
	return ps
}
