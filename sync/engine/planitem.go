package engine

import (
	"encoding/binary"
	"errors"
)

// Plan items (a Write or a LinkOp with its base values) are stored between
// Plan and Apply in a compact binary form: fields in a fixed order, strings
// length-prefixed, numbers as varints. encoding/json cost about 2 s of a
// 100k-contact first sync to write and read back 250k of them (BENCHMARKS.md,
// fix 30). Items never outlive a plan, and a plan never outlives an upgrade
// of its format (the migration that changes it drops stored plans), so the
// format carries a version byte only to refuse a stray item clearly.
// TestPlanItemCodecRoundTrip fails when Write or LinkOp gain a field that
// is not encoded here.

const planItemVersion = 1

var errPlanItem = errors.New("damaged plan item")

type itemWriter []byte

func (w *itemWriter) str(s string) {
	*w = binary.AppendUvarint(*w, uint64(len(s)))
	*w = append(*w, s...)
}

func (w *itemWriter) num(n int64) { *w = binary.AppendVarint(*w, n) }

func (w *itemWriter) base(bs []BaseValue) {
	w.num(int64(len(bs)))
	for _, b := range bs {
		w.str(b.Row)
		w.str(b.Value)
	}
}

// itemReader reads an item; its strings share the item's memory.
type itemReader struct {
	s   string
	err error
}

func (r *itemReader) uvarint() uint64 {
	var x uint64
	for i, shift := 0, uint(0); i < len(r.s) && i < binary.MaxVarintLen64; i, shift = i+1, shift+7 {
		c := r.s[i]
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			r.s = r.s[i+1:]
			return x
		}
	}
	r.err, r.s = errPlanItem, ""
	return 0
}

func (r *itemReader) num() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1) // zigzag, as binary.AppendVarint writes it
}

func (r *itemReader) str() string {
	n := r.uvarint()
	if n > uint64(len(r.s)) {
		r.err, r.s = errPlanItem, ""
		return ""
	}
	s := r.s[:n]
	r.s = r.s[n:]
	return s
}

// count reads a slice length, bounded by what is left (every element takes
// at least one byte), so a damaged item cannot ask for a huge allocation.
func (r *itemReader) count() int {
	n := r.num()
	if n < 0 || n > int64(len(r.s)) {
		r.err, r.s = errPlanItem, ""
		return 0
	}
	return int(n)
}

func (r *itemReader) base() []BaseValue {
	n := r.count()
	if n == 0 {
		return nil
	}
	out := make([]BaseValue, n)
	for i := range out {
		out[i] = BaseValue{Row: r.str(), Value: r.str()}
	}
	return out
}

func (r *itemReader) done() error {
	if r.err == nil && r.s != "" {
		r.err = errPlanItem
	}
	return r.err
}

func (r *itemReader) version() {
	if r.s == "" || r.s[0] != planItemVersion {
		r.err, r.s = errPlanItem, ""
		return
	}
	r.s = r.s[1:]
}

func encodeWrite(w Write) string {
	b := make(itemWriter, 0, 64+32*len(w.Changes))
	b = append(b, planItemVersion)
	b.str(w.Side)
	b.str(w.ID)
	b.str(w.Source)
	b.str(w.Key)
	b.num(w.ReviewID)
	b.num(int64(len(w.Changes)))
	for _, c := range w.Changes {
		b.str(c.Field)
		b.str(c.Old)
		b.str(c.New)
		b.str(c.Rule)
	}
	b.base(w.Base)
	return string(b)
}

func decodeWrite(s string) (Write, error) {
	r := itemReader{s: s}
	r.version()
	w := Write{Side: r.str(), ID: r.str(), Source: r.str(), Key: r.str(), ReviewID: r.num()}
	if n := r.count(); n > 0 {
		w.Changes = make([]Change, n)
		for i := range w.Changes {
			w.Changes[i] = Change{Field: r.str(), Old: r.str(), New: r.str(), Rule: r.str()}
		}
	}
	w.Base = r.base()
	return w, r.done()
}

func encodeLink(l LinkOp) string {
	b := make(itemWriter, 0, 64)
	b = append(b, planItemVersion)
	b.str(l.A)
	b.str(l.B)
	isNew := int64(0)
	if l.New {
		isNew = 1
	}
	b.num(isNew)
	b.str(l.Rule)
	b.str(l.Evidence)
	b.num(l.ReviewID)
	b.base(l.Base)
	if l.Replaces != "" {
		b.str(l.Replaces) // optional and last: an item stored before it reads the same
	}
	return string(b)
}

func decodeLink(s string) (LinkOp, error) {
	r := itemReader{s: s}
	r.version()
	l := LinkOp{A: r.str(), B: r.str(), New: r.num() == 1, Rule: r.str(), Evidence: r.str(), ReviewID: r.num()}
	l.Base = r.base()
	if r.err == nil && r.s != "" {
		l.Replaces = r.str()
	}
	return l, r.done()
}
