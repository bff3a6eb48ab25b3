package engine

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/mapping"
)

// Rules that decide a field write, recorded in the plan and the audit log.
const (
	RuleAChanged    = "a-changed"    // only A changed since the base
	RuleBChanged    = "b-changed"    // only B changed since the base
	RuleAtoB        = "a-to-b"       // one-way row: B drifted from its source
	RuleBtoA        = "b-to-a"       // one-way row: A drifted from its source
	RuleFillBlank   = "fill-blank"   // new link: a blank side takes the other's value
	RuleUnlessBlank = "unless-blank" // both changed, the non-blank one wins
	RuleMergeSet    = "merge-set"    // both changed a multi-select: merged option by option
	RuleOptOut      = "opt-out"      // one side opted out of email: the other follows
	RuleCreate      = "create"
	// RuleUpsertFound: a create's upsert updated a record that existed
	// (made by someone else since the read); crmsync did not create it.
	RuleUpsertFound = "upsert-found"
	// RuleUpsertFoundUnknown: as RuleUpsertFound, the old value unknown
	// (the vendor's answer does not tell it); an undo leaves it.
	RuleUpsertFoundUnknown = RuleUpsertFound + " (old value unknown)"
	// RuleUpdateUnknown: an update sent in a call a stop cut short,
	// settled by the next plan with the record holding neither the
	// value sent nor the one replaced: no answer ever said it was written.
	RuleUpdateUnknown = "update (outcome unknown)"
	RuleUndo          = "undo"
	RuleReview        = "review" // a person decided
)

// recView is one side of a pair as the merge sees it.
type recView struct {
	id       string
	fields   map[string]string
	modified int64
}

// pairOut is what merging one linked pair produces.
type pairOut struct {
	toA, toB  *Write
	agreed    []BaseValue // rows both sides already agree on, base not yet there
	conflicts []Conflict
	reviews   []ReviewItem
	kept      int
	optOuts   int             // opt-outs carried (RuleOptOut)
	notes     []string        // plan warnings (addressMoved)
	waits     []store.RefWait // references not linked yet (see refwaits.go)
}

// merger holds what is fixed for a whole plan.
type merger struct {
	rows   []mapping.Row
	policy string
	tick   int64                        // ms both sides' modified times are cut to under newer (modifiedTick)
	deps   map[string][]connector.Field // per side, dependent picklists (dependents.go)
	// in names each side after a record in a note ("in hs contacts"),
	// A's first: notes become the plan's warnings, which a person reads.
	in [2]string
	// relays, when set, gives the newest crmsync write of each field of a
	// side's record, by any sync (relay.go).
	relays func(side, id string) map[string]store.Relay
	syncID int64
}

// inSide is Definition.inSide for the merger's notes.
func (m merger) inSide(side string) string {
	i := 0
	if side == "b" {
		i = 1
	}
	if m.in[i] == "" { // a merger made without a definition (benchmarks)
		return "on side " + strings.ToUpper(side)
	}
	return m.in[i]
}

// mergePair runs the three-way merge of every row of one linked pair.
// override forces a row's canonical value (a person's review decision).
func (m merger) mergePair(a, b recView, base map[string]string, override map[string]string, reviewID int64) pairOut {
	var out pairOut
	base = basesInForm(m.rows, base)
	for _, r := range m.rows {
		if r.Dir == mapping.TwoWay {
			m.mergeRow(&out, r, a, b, base, override)
		}
	}
	m.settleShared(&out, a, b, base, override, reviewID)
	for _, r := range oneWayRows(m.rows, a, b, base) {
		m.mergeOneWay(&out, r, a, b, base, override)
	}
	holdTogether(&out, m.rows)
	m.holdDependents(&out, a, b)
	for _, w := range []*Write{out.toA, out.toB} {
		if w != nil {
			w.ReviewID = reviewID
		}
	}
	return out
}

// oneWayRows lists the one-way rows, those whose target changed since
// the last run last. Two one-way rows can carry one value between them
// (a meeting's span onto a Pipedrive activity's length, and endat from its
// start and length back to the end): the row from the side that changed
// must go first, so the other sees its write and agrees, instead of
// writing the old value back over the edit.
func oneWayRows(rows []mapping.Row, a, b recView, base map[string]string) []mapping.Row {
	var first, last []mapping.Row
	for _, r := range rows {
		if r.Dir == mapping.TwoWay {
			continue
		}
		if targetChanged(r, a, b, base) {
			last = append(last, r)
		} else {
			first = append(first, r)
		}
	}
	return append(first, last...)
}

// targetChanged says whether the side a one-way row writes holds another
// value than the row's base.
func targetChanged(r mapping.Row, a, b recView, base map[string]string) bool {
	bv, ok := base[r.Key]
	if !ok {
		return false
	}
	var (
		v   string
		err error
	)
	if r.Dir == mapping.AtoB {
		v, err = r.CanonB(b.fields)
	} else {
		v, err = r.CanonA(a.fields)
	}
	return err == nil && v != bv
}

// mergeOneWay merges a one-way row. A row that disagrees as read compares
// its source as this run leaves it: a Pipedrive activity's end (endat) is
// its start and length after the two-way start row has moved them, not
// the start it had before. A row that agrees as read has nothing to carry,
// whatever other rows write to its source.
func (m merger) mergeOneWay(out *pairOut, r mapping.Row, a, b recView, base, override map[string]string) {
	if agreesAsRead(r, a, b) {
		m.mergeRow(out, r, a, b, base, override)
		return
	}
	if r.Dir == mapping.AtoB {
		a = withPending(a, out.toA)
	} else {
		b = withPending(b, out.toB)
	}
	m.mergeRow(out, r, a, b, base, override)
}

// agreesAsRead says whether both sides of r read as the same value.
func agreesAsRead(r mapping.Row, a, b recView) bool {
	ca, errA := r.CanonA(a.fields)
	cb, errB := r.CanonB(b.fields)
	return errA == nil && errB == nil && ca == cb
}

// withPending is v with the changes w makes to it, so a row reads what
// the record will hold once the run has written it.
func withPending(v recView, w *Write) recView {
	if w == nil || len(w.Changes) == 0 {
		return v
	}
	fields := make(map[string]string, len(v.fields)+len(w.Changes))
	for k, x := range v.fields {
		fields[k] = x
	}
	for _, c := range w.Changes {
		fields[c.Field] = c.New
	}
	v.fields = fields
	return v
}

func (m merger) mergeRow(out *pairOut, r mapping.Row, a, b recView, base map[string]string, override map[string]string) {
	if r.OnCreate {
		return // written into created records only
	}
	ca, errA := r.CanonA(a.fields)
	cb, errB := r.CanonB(b.fields)
	if errors.Is(errA, mapping.ErrNotRead) || errors.Is(errB, mapping.ErrNotRead) {
		// A field the connector did not read is not a blank, and a
		// reference not linked yet cannot be compared: the row waits.
		out.waits = appendWait(appendWait(out.waits, "a", a.id, errA), "b", b.id, errB)
		return
	}
	if v, ok := override[r.Key]; ok {
		// A person's value stands over what either side holds, even a
		// value that could not be read (the rejected item it decides);
		// only the sides the row writes take it.
		v = r.Settle(r.Normalize(v), a.fields, b.fields)
		writesA, writesB := r.Dir != mapping.AtoB, r.Dir != mapping.BtoA
		if writesA && (errA != nil || ca != v) {
			m.write(out, r, "a", a, b, v, RuleReview)
		}
		if writesB && (errB != nil || cb != v) {
			m.write(out, r, "b", b, a, v, RuleReview)
		}
		if errA == nil && errB == nil && ca == v && cb == v {
			out.agreed = append(out.agreed, BaseValue{r.Key, v})
		}
		return
	}
	if errA != nil && (r.Dir != mapping.BtoA) {
		out.reviews = append(out.reviews, rejected("a", a.id, b.id, r.Key, errA))
		return
	}
	if errB != nil && (r.Dir != mapping.AtoB) {
		out.reviews = append(out.reviews, rejected("b", b.id, a.id, r.Key, errB))
		return
	}
	bv, hasBase := base[r.Key]
	ca, cb = seenValues(r, a, b, base, ca, cb)
	if ca == cb {
		if !hasBase || bv != ca {
			out.agreed = append(out.agreed, BaseValue{r.Key, ca})
		}
		return
	}
	if ua, ub, undone := undoneValues(bv); undone {
		aCh, bCh := ca != ua, cb != ub
		switch {
		case !aCh && !bCh:
			// As an undo left them: the pair differs on purpose until
			// either side changes the field.
			return
		case aCh && !bCh:
			bv = cb // only A moved since: the merge sees A changed
		case bCh && !aCh:
			bv = ca
		default:
			bv = ua // both moved: A's value at the undo is the base
		}
	}
	if r.OptOut {
		m.mergeOptOut(out, r, a, b, ca, cb, bv, hasBase, base)
		return
	}
	switch r.Dir {
	case mapping.AtoB:
		if ca == "" && (r.UnlessBlank || !hasBase) {
			out.kept++
			return
		}
		rule := RuleAtoB
		if hasBase && ca != bv {
			rule = RuleAChanged
		}
		m.write(out, r, "b", b, a, ca, rule)
	case mapping.BtoA:
		if cb == "" && (r.UnlessBlank || !hasBase) {
			out.kept++
			return
		}
		rule := RuleBtoA
		if hasBase && cb != bv {
			rule = RuleBChanged
		}
		m.write(out, r, "a", a, b, cb, rule)
	case mapping.TwoWay:
		m.mergeTwoWay(out, r, a, b, ca, cb, bv, hasBase)
	}
}

// seenValues is the values ca and cb a row's merge compares against its
// base: a reference the agreed one still stands for, a default as the
// blank it stands for.
func seenValues(r mapping.Row, a, b recView, base map[string]string, ca, cb string) (string, string) {
	bv, hasBase := base[r.Key]
	if hasBase {
		// A side listing several references (a HubSpot activity's
		// contacts) that still names the one agreed has not changed it.
		if ca != bv && r.HoldsRef("a", a.fields, bv) {
			ca = bv
		}
		if cb != bv && r.HoldsRef("b", b.fields, bv) {
			cb = bv
		}
	}
	if r.UnlessBlank || !hasBase {
		ca, cb = blankDefaults(r, a, b, ca, cb)
	}
	if r.UnlessBlank && hasBase {
		ca, cb = blankParts(r, a, b, bv, ca, cb)
	}
	return ca, cb
}

// blankDefaults gives back the blank a row's default stands for on a side
// whose source is blank, when the other side holds a value: where a blank
// would not overwrite it, the default must not either. A default still
// fills a blank other side, and a record the sync creates.
func blankDefaults(r mapping.Row, a, b recView, ca, cb string) (string, string) {
	if ca == cb {
		return ca, cb
	}
	if cb != "" && r.Defaulted("a", a.fields) {
		return "", cb
	}
	if ca != "" && r.Defaulted("b", b.fields) {
		return ca, ""
	}
	return ca, cb
}

func (m merger) mergeTwoWay(out *pairOut, r mapping.Row, a, b recView, ca, cb, bv string, hasBase bool) {
	if !hasBase {
		switch {
		case ca == "":
			m.write(out, r, "a", a, b, cb, RuleFillBlank)
		case cb == "":
			m.write(out, r, "b", b, a, ca, RuleFillBlank)
		case r.Set:
			m.mergeSet(out, r, a, b, ca, cb, bv, false)
		case r.Unnamed(ca) || r.Unnamed(cb):
			m.heldFirstLink(out, r, a, b, ca, cb)
		default:
			m.conflict(out, r, a, b, ca, cb, bv, false)
		}
		return
	}
	aCh, bCh := ca != bv, cb != bv
	switch {
	case aCh && !bCh:
		if ca == "" && r.UnlessBlank {
			out.kept++
			return
		}
		m.write(out, r, "b", b, a, ca, RuleAChanged)
	case bCh && !aCh:
		if cb == "" && r.UnlessBlank {
			out.kept++
			return
		}
		m.write(out, r, "a", a, b, cb, RuleBChanged)
	case r.UnlessBlank && ca == "":
		m.write(out, r, "a", a, b, cb, RuleUnlessBlank)
	case r.UnlessBlank && cb == "":
		m.write(out, r, "b", b, a, ca, RuleUnlessBlank)
	case r.Set:
		m.mergeSet(out, r, a, b, ca, cb, bv, true)
	// One side cleared the field while the other wrote a new value: a
	// policy that picks a side (newer, prefer-a/b) must not pick the blank
	// over good data. A clear made alone still syncs on an `always` row;
	// only a person (the review policy) may settle it for the blank.
	case ca == "" && m.policy != ConflictReview:
		m.write(out, r, "a", a, b, cb, RuleUnlessBlank)
	case cb == "" && m.policy != ConflictReview:
		m.write(out, r, "b", b, a, ca, RuleUnlessBlank)
	default:
		m.conflict(out, r, a, b, ca, cb, bv, true)
	}
}

// mergeOptOut carries an opt-out to the side that has none, whatever the
// conflict policy: no sync may keep emailing a person who said stop. It
// never carries the other way. A side whose opt-out both sides agreed on at
// the last run and is gone now was opted back in by the person, through
// that vendor, and is left so: writing the other side's opt-out over it
// would undo their consent. Unless that side's email changed too: HubSpot
// and Klaviyo keep an opt-out with the address, so the new one reads as
// not opted out, which is no opt-in. ca and cb differ; each is an opt-out
// value or blank.
func (m merger) mergeOptOut(out *pairOut, r mapping.Row, a, b recView, ca, cb, bv string, hasBase bool, base map[string]string) {
	optedBackIn := hasBase && bv != ""
	switch {
	case ca != "" && cb != "":
		// Both opted out, in different words: nothing to carry.
		if !hasBase || bv != cb {
			out.agreed = append(out.agreed, BaseValue{r.Key, cb})
		}
	case ca != "" && r.Dir != mapping.BtoA && (!optedBackIn || m.addressMoved(out, "b", b, base)):
		m.write(out, r, "b", b, a, ca, RuleOptOut)
	case cb != "" && r.Dir != mapping.AtoB && (!optedBackIn || m.addressMoved(out, "a", a, base)):
		m.write(out, r, "a", a, b, cb, RuleOptOut)
	}
}

// addressMoved says whether v's email changed since the last run (the
// base), and notes in out why its opt-out is written again.
func (m merger) addressMoved(out *pairOut, side string, v recView, base map[string]string) bool {
	for _, r := range m.rows {
		if !r.Address(side) {
			continue
		}
		was, ok := base[r.Key]
		if _, _, undone := undoneValues(was); !ok || undone {
			continue
		}
		canon := r.CanonA
		if side == "b" {
			canon = r.CanonB
		}
		if now, err := canon(v.fields); err == nil && now != "" && now != was {
			out.notes = append(out.notes, fmt.Sprintf("opt-out of %s %s written again: its email changed there (%s → %s) and its opt-out stayed with the old address; an address change is not an opt-in",
				v.id, m.inSide(side), was, now))
			return true
		}
	}
	return false
}

// mergeSet writes both sides of a multi-select both changed with their
// edits merged option by option: one side's added Champion and the other's
// removed Influencer both stand, so there is nothing to decide.
func (m merger) mergeSet(out *pairOut, r mapping.Row, a, b recView, ca, cb, bv string, hasBase bool) {
	v := mapping.MergeSets(ca, cb, bv, hasBase)
	if v != ca {
		m.write(out, r, "a", a, b, v, RuleMergeSet)
	}
	if v != cb {
		m.write(out, r, "b", b, a, v, RuleMergeSet)
	}
}

func (m merger) conflict(out *pairOut, r mapping.Row, a, b recView, ca, cb, bv string, hasBase bool) {
	c := Conflict{A: a.id, B: b.id, Row: r.Key, Base: bv, AValue: ca, BValue: cb, Policy: m.policy}
	reason := fmt.Sprintf("both sides changed %s", r.Key)
	switch {
	case m.policy == ConflictPreferA:
		c.Winner = "a"
	case m.policy == ConflictPreferB:
		c.Winner = "b"
	case m.policy == ConflictNewer:
		ra, rb := a, b
		if hasBase { // changes to order; a first link orders last touches
			ra, rb = m.relayed(r, "a", a), m.relayed(r, "b", b)
		}
		switch c.Winner = m.newerSide(ra, rb); {
		case c.Winner != "":
		case !hasBase:
			// A first link orders no changes, only two records' last
			// touches (seeded or imported together, often in one
			// second): the later stamp wins, an exact tie goes to A.
			c.Winner = "b"
			if a.modified >= b.modified {
				c.Winner = "a"
			}
		default:
			// Both edits since the last sync in one tick: the order is
			// unknown, and picking a side could drop the later change.
			c.Winner, reason = "review", m.sameTickReason(r.Key)
		}
	default:
		c.Winner = "review"
	}
	switch c.Winner {
	case "a":
		if m.write(out, r, "b", b, a, ca, m.policy) {
			out.conflicts = append(out.conflicts, c)
		}
	case "b":
		if m.write(out, r, "a", a, b, cb, m.policy) {
			out.conflicts = append(out.conflicts, c)
		}
	default:
		out.conflicts = append(out.conflicts, c)
		out.reviews = append(out.reviews, ReviewItem{Kind: "conflict", Side: "a", RecordID: a.id, OtherID: b.id, Field: r.Key,
			Reason: reason, Values: &Values{A: ca, B: cb, Base: bv}})
	}
}

// write adds the field changes that make target hold canon for row r. It
// reports false when the target keeps its value because canon names
// someone with no counterpart there (mapping.ErrNoCounterpart): a
// conflict it would have settled is then no conflict at all.
func (m merger) write(out *pairOut, r mapping.Row, side string, target, source recView, canon, rule string) bool {
	var buf [3]mapping.FieldValue
	vals, err := writeRow(buf[:0], r, side, canon, target.fields)
	if errors.Is(err, mapping.ErrNoCounterpart) {
		out.kept++
		keptNote(out, m.inSide(side), target.id, err)
		return false
	}
	if err != nil {
		out.reviews = append(out.reviews, rejected(otherSide(side), source.id, target.id, r.Key, err))
		return true
	}
	w := &out.toB
	if side == "a" {
		w = &out.toA
	}
	var changes []Change
	for _, v := range vals {
		if old := target.fields[v.Field]; old != v.Value {
			changes = append(changes, Change{Field: v.Field, Old: old, New: v.Value, Rule: rule})
		}
	}
	if len(changes) == 0 {
		// Formatting differs but the canonical values agree once written.
		out.agreed = append(out.agreed, BaseValue{r.Key, canon})
		return true
	}
	if rule == RuleOptOut {
		out.optOuts++
	}
	if *w == nil {
		*w = &Write{Side: side, ID: target.id, Source: source.id}
	}
	for _, c := range changes {
		(*w).Changes = upsertChange((*w).Changes, c)
	}
	(*w).Base = append((*w).Base, BaseValue{r.Key, canon})
	return true
}

// writesField says whether cs writes field.
func writesField(cs []Change, field string) bool {
	return slices.ContainsFunc(cs, func(c Change) bool { return c.Field == field })
}

func upsertChange(cs []Change, c Change) []Change {
	for i := range cs {
		if cs[i].Field == c.Field {
			cs[i] = c
			return cs
		}
	}
	return append(cs, c)
}

// rejected is a review item for a value a row cannot carry: an unknown
// picklist value, or one a transform cannot parse.
func rejected(side, id, other, row string, err error) ReviewItem {
	it := ReviewItem{Kind: "rejected", Side: side, RecordID: id, OtherID: other, Field: row, Reason: err.Error()}
	var uv *mapping.UnknownValueError
	if errors.As(err, &uv) {
		it.Values = &Values{A: uv.Value}
	}
	return it
}

func otherSide(side string) string {
	if side == "a" {
		return "b"
	}
	return "a"
}

// writeRow appends row r's values for canon on side to dst, sorted by
// field as the plan lists them. It makes no map: the planner writes every
// row of every record it creates (BENCHMARKS.md, fix 42). Most rows write
// one field, a full name two or three, so callers pass a small array.
// current is the target record as read, nil for a create: a date written
// onto a datetime keeps its time of day (mapping.Row.AppendWriteAOnto).
func writeRow(dst []mapping.FieldValue, r mapping.Row, side, canon string, current map[string]string) ([]mapping.FieldValue, error) {
	var err error
	if side == "a" {
		dst, err = r.AppendWriteAOnto(dst, canon, current)
	} else {
		dst, err = r.AppendWriteBOnto(dst, canon, current)
	}
	slices.SortStableFunc(dst, func(x, y mapping.FieldValue) int { return strings.Compare(x.Field, y.Field) })
	return dst, err
}
