package engine

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/mapping"
)

// Plan is everything one run would do, computed without writing to a CRM.
// It serializes to JSON for `--json` and prints as a compact summary.
type Plan struct {
	SyncID            int64        `json:"sync_id"`
	Sync              string       `json:"sync"`
	Trigger           string       `json:"trigger,omitempty"`
	UndoOf            int64        `json:"undo_of,omitempty"`
	Creates           []Write      `json:"creates"`
	Updates           []Write      `json:"updates"`
	Links             []LinkOp     `json:"links"`
	Deletes           []DeleteOp   `json:"deletes,omitempty"`
	Conflicts         []Conflict   `json:"conflicts"`
	Review            []ReviewItem `json:"review"`
	Skips             []Skip       `json:"skips"`
	Counts            Counts       `json:"counts"`
	NeedsConfirmation bool         `json:"needs_confirmation"`
	Reason            string       `json:"reason,omitempty"`
	// Confirmed: the plan needed confirmation and was applied with it.
	Confirmed      bool     `json:"confirmed,omitempty"`
	EstimatedCalls Calls    `json:"estimated_calls"`
	Warnings       []string `json:"warnings,omitempty"`
	WaitingOn      []string `json:"waiting_on,omitempty"` // syncs that have not linked records this plan's references name
	// WarningsOmitted counts the warnings past the first ones listed.
	WarningsOmitted int `json:"warnings_omitted,omitempty"`
	// FullPass says why this plan read every record and merged every pair
	// again rather than only what changed since the last run.
	FullPass string `json:"full_pass,omitempty"`
	// RetryWaiting counts failed records left in the retry queue, their
	// back-off not over; RetryNext is the earliest next try.
	RetryWaiting int       `json:"retry_waiting,omitempty"`
	RetryNext    time.Time `json:"retry_next,omitzero"`
	// Omitted is set when Creates, Updates, Links or Review list only
	// their first items (a large plan); Apply still carries out every item.
	Omitted *Omitted `json:"omitted,omitempty"`

	id         int64 // the store's plan: every create, update and link
	nLinks     int   // links of every kind (Counts.Link counts new ones)
	def        Definition
	rows       []mapping.Row
	a, b       Side
	ix         map[string]indexer // the planner's: apply indexes what it read
	doneSeq    map[string]int64   // side -> seq to mark done after a complete apply
	reviewDone []int64
	reviewOpen []int64 // decided items back in review (changedSince)
	retryDone  []retryKey
	lastRun    int64    // newest run of the sync when planned
	readCalls  [2]int64 // API calls on sides A and B while planning: the run's reads
	applied    bool

	// nStoredReview counts the review items stored with the plan's
	// writes, beyond those Review lists (addUndoReview).
	nStoredReview int
}

// Write is one record write on a target side: a create (ID == "") or an
// update of record ID, from Source on the other side.
type Write struct {
	Side     string      `json:"side"`
	ID       string      `json:"id,omitempty"`
	Source   string      `json:"source"`
	Key      string      `json:"key,omitempty"` // creates: the match key, for dedupe and display
	Changes  []Change    `json:"changes"`
	ReviewID int64       `json:"review_id,omitempty"`
	Base     []BaseValue `json:"-"`
}

// Change is one field old -> new and the rule that decided it.
type Change struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
	Rule  string `json:"rule"`
}

// BaseValue is the agreed canonical value of a mapping row, stored in the
// link's base snapshot once the write that makes it true succeeded.
type BaseValue struct{ Row, Value string }

// LinkOp links two records (New) or advances a link's base where both sides
// already agree.
type LinkOp struct {
	A        string      `json:"a"`
	B        string      `json:"b"`
	New      bool        `json:"new,omitempty"`
	Rule     string      `json:"rule"` // match:1 (rule number), review:link, both-same, agreed
	Evidence string      `json:"evidence,omitempty"`
	ReviewID int64       `json:"review_id,omitempty"`
	Base     []BaseValue `json:"-"`
	// Replaces is the A id of the link this one takes the place of: a
	// record merged away whose link moves to the record it was merged into.
	Replaces string `json:"replaces,omitempty"`
}

// DeleteOp deletes a record a person approved in review.
type DeleteOp struct {
	Side     string `json:"side"`
	ID       string `json:"id"`
	LinkedA  string `json:"linked_a"` // the link to drop
	ReviewID int64  `json:"review_id"`
}

// Conflict is a field both sides changed to different values.
type Conflict struct {
	A      string `json:"a"`
	B      string `json:"b"`
	Row    string `json:"row"`
	Base   string `json:"base"`
	AValue string `json:"a_value"`
	BValue string `json:"b_value"`
	Policy string `json:"policy"`
	Winner string `json:"winner"` // a | b | review
}

// ReviewItem is something a person must decide.
type ReviewItem struct {
	Kind       string      `json:"kind"` // unmatched | ambiguous | conflict | delete | rejected | duplicate
	Side       string      `json:"side"`
	RecordID   string      `json:"record_id"`
	OtherID    string      `json:"other_id,omitempty"`
	Field      string      `json:"field,omitempty"`
	Reason     string      `json:"reason"`
	Candidates []Candidate `json:"candidates,omitempty"`
	Values     *Values     `json:"values,omitempty"`
	// Blocked: a duplicate item whose CRM refuses the record as a
	// duplicate whatever a person decides (a rule that blocks).
	Blocked bool `json:"blocked,omitempty"`
	// Opened: the plan stored the item in Review while it was made (an
	// interrupted create it holds, keyless.go), so it is there whether or
	// not the plan is applied, and applying stores it no second time. The
	// first run recorded after the plan counts it (store.CountHeldReviews).
	Opened bool `json:"opened,omitempty"`
	// FoundMany: a duplicate item holding an interrupted create whose
	// lookup by key found its candidates and could not tell which one it
	// made (foundManyItem); matching asks about them nowhere else.
	FoundMany bool `json:"found_many,omitempty"`
}

// Candidate is one possible match with the evidence for it.
type Candidate struct {
	Side     string `json:"side"`
	ID       string `json:"id"`
	Rule     int    `json:"rule"` // 1-based match rule
	Key      string `json:"key"`
	LinkedTo string `json:"linked_to,omitempty"`
}

// Values are the values a conflict or rejected item is about.
type Values struct {
	A    string `json:"a"`
	B    string `json:"b"`
	Base string `json:"base,omitempty"`
}

// Skip is a record the plan leaves alone, with why.
type Skip struct {
	Side   string `json:"side"`
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// Counts summarize a plan.
type Counts struct {
	ReadA int `json:"read_a"`
	ReadB int `json:"read_b"`
	// ReadUnchanged counts the records read that were as crmsync last read
	// or wrote them (store.PageOptions.SkipUnchanged): not merged again,
	// so not in Unchanged, which counts pairs merged to no write.
	ReadUnchanged int `json:"read_unchanged,omitempty"`
	// ReadEarlierA/B count the records merged that an earlier plan (a
	// preview, or a run that stopped) read and left unmerged (ReadLine).
	ReadEarlierA int `json:"read_earlier_a,omitempty"`
	ReadEarlierB int `json:"read_earlier_b,omitempty"`
	CreateA      int `json:"create_a"`
	CreateB      int `json:"create_b"`
	UpdateA      int `json:"update_a"`
	UpdateB      int `json:"update_b"`
	Link         int `json:"link"`
	Unchanged    int `json:"unchanged"`
	Conflicts    int `json:"conflicts"`
	Review       int `json:"review"`
	Skipped      int `json:"skipped"`
	KeptBlank    int `json:"kept_blank"`
	HeldDelete   int `json:"held_delete"`
	Delete       int `json:"delete"`
	// WaitingLink counts references left alone because the sync they go
	// through (Plan.WaitingOn) has not linked the record they name yet.
	WaitingLink int `json:"waiting_link,omitempty"`
	// Relinked counts links moved from a record merged away to the record
	// it was merged into (relinkMerges).
	Relinked int `json:"relinked,omitempty"`
	// OptOut counts email opt-outs carried to the other side, in updates
	// and in the records created (rule opt-out).
	OptOut int `json:"opt_out,omitempty"`
}

// Calls estimates API calls per side: reads done plus writes by batch.
type Calls struct {
	A int `json:"a"`
	B int `json:"b"`
}

// maxListedSkips caps the skip list (counts stay exact) so a plan over a
// large CRM stays small.
const maxListedSkips = 1000

// Empty reports whether applying the plan would write nothing to a CRM.
func (p *Plan) Empty() bool {
	c := p.Counts
	return c.CreateA+c.CreateB+c.UpdateA+c.UpdateB+len(p.Creates)+len(p.Updates)+len(p.Deletes) == 0
}

// JSON returns the plan as indented JSON.
func (p *Plan) JSON() ([]byte, error) { return json.MarshalIndent(p, "", "  ") }

// Summary is a compact human-readable account of the plan.
func (p *Plan) Summary() string {
	var sb strings.Builder
	c := p.Counts
	fmt.Fprintln(&sb, p.ReadLine())
	a, b := p.def.SideName("a"), p.def.SideName("b")
	fmt.Fprintf(&sb, "  create: %d in %s, %d in %s\n", c.CreateA, a, c.CreateB, b)
	fmt.Fprintf(&sb, "  update: %d in %s, %d in %s   link %d   unchanged %d\n", c.UpdateA, a, c.UpdateB, b, c.Link, c.Unchanged)
	fmt.Fprintf(&sb, "  conflicts %d   review %d   skipped %d   held deletes %d   deletes %d\n", c.Conflicts, c.Review, c.Skipped, c.HeldDelete, c.Delete)
	fmt.Fprintf(&sb, "  estimated API calls: %d to %s, %d to %s\n", p.EstimatedCalls.A, a, p.EstimatedCalls.B, b)
	if line := p.ReadUnchangedLine(); line != "" {
		fmt.Fprintf(&sb, "  %s\n", line)
	}
	if line := p.FullPassLine(); line != "" {
		fmt.Fprintf(&sb, "  %s\n", line)
	}
	if line := p.WaitingLine(); line != "" {
		fmt.Fprintf(&sb, "  %s\n", line)
	}
	if line := p.RelinkLine(); line != "" {
		fmt.Fprintf(&sb, "  %s\n", line)
	}
	if line := p.OptOutLine(); line != "" {
		fmt.Fprintf(&sb, "  %s\n", line)
	}
	switch {
	case p.Confirmed: // applied: "NEEDS CONFIRMATION" above "Run 1: success" read as a refusal
		fmt.Fprintf(&sb, "  confirmed with --yes: %s\n", p.Reason)
	case p.NeedsConfirmation:
		fmt.Fprintf(&sb, "  NEEDS CONFIRMATION: %s\n", p.Reason)
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(&sb, "  warning: %s\n", w)
	}
	if p.WarningsOmitted > 0 {
		fmt.Fprintf(&sb, "  … and %d more warnings not listed\n", p.WarningsOmitted)
	}
	return sb.String()
}

// ReadUnchangedLine accounts for the records read that were not merged
// again, most often a run's own writes read back; "" when none.
func (p *Plan) ReadUnchangedLine() string {
	if p.Counts.ReadUnchanged == 0 {
		return ""
	}
	verb := "are"
	if p.Counts.ReadUnchanged == 1 {
		verb = "is"
	}
	return fmt.Sprintf("%s read %s unchanged since crmsync last read or wrote them: nothing to do for them.", nRecords(p.Counts.ReadUnchanged, "record"), verb)
}

// FullPassLine says why a plan merged every pair again, or "".
func (p *Plan) FullPassLine() string {
	if p.FullPass == "" {
		return ""
	}
	return "Every record was read and every linked pair merged again, because " + p.FullPass + "."
}

// OptOutLine says how many email opt-outs the plan carries to the other
// side; "" when none.
func (p *Plan) OptOutLine() string {
	if p.Counts.OptOut == 0 {
		return ""
	}
	return nRecords(p.Counts.OptOut, "email opt-out") + " carried to the other CRM: people who said stop in one are opted out in both. Nobody is opted back in."
}

// RelinkLine says how many links the plan moves to the record their
// record was merged into; "" when none.
func (p *Plan) RelinkLine() string {
	if p.Counts.Relinked == 0 {
		return ""
	}
	return fmt.Sprintf("%s merged in one CRM: the link moves to the record merged into, so the record in the other CRM keeps its partner.", nRecords(p.Counts.Relinked, "record"))
}

// WaitingLine says, in one sentence, how many references the plan leaves
// alone because the sync they go through has not linked their records yet
// (or their linked record is deleted), and when they will be written; ""
// when none.
func (p *Plan) WaitingLine() string {
	n := p.Counts.WaitingLink
	if n == 0 {
		return ""
	}
	names := make([]string, len(p.WaitingOn))
	for i, s := range p.WaitingOn {
		names[i] = strconv.Quote(s)
	}
	syncs := "sync " + strings.Join(names, ", ")
	if len(names) > 1 {
		syncs = "syncs " + strings.Join(names, ", ")
	}
	noun := "references name records"
	if n == 1 {
		noun = "reference names a record"
	}
	return fmt.Sprintf("%d %s that %s has not linked yet, or whose linked record is deleted: left as they are, and written by the first run after %s links them.", n, noun, syncs, syncs)
}

func (p *Plan) addSkip(side, id, reason string) {
	p.Counts.Skipped++
	if len(p.Skips) < maxListedSkips {
		p.Skips = append(p.Skips, Skip{Side: side, ID: id, Reason: reason})
	}
}

// finish sorts every list so the same inputs give the same plan, and fills
// the counts of what it lists in full (the planner counts writes and links).
func (p *Plan) finish() {
	sort.Strings(p.WaitingOn)
	sort.Slice(p.Creates, func(i, j int) bool {
		x, y := p.Creates[i], p.Creates[j]
		return x.Side < y.Side || x.Side == y.Side && x.Source < y.Source
	})
	sort.Slice(p.Updates, func(i, j int) bool {
		x, y := p.Updates[i], p.Updates[j]
		return x.Side < y.Side || x.Side == y.Side && x.ID < y.ID
	})
	sort.Slice(p.Links, func(i, j int) bool { return p.Links[i].A < p.Links[j].A })
	sort.Slice(p.Deletes, func(i, j int) bool {
		return p.Deletes[i].Side < p.Deletes[j].Side || p.Deletes[i].Side == p.Deletes[j].Side && p.Deletes[i].ID < p.Deletes[j].ID
	})
	sort.Slice(p.Conflicts, func(i, j int) bool {
		x, y := p.Conflicts[i], p.Conflicts[j]
		return x.A < y.A || x.A == y.A && x.Row < y.Row
	})
	p.Review = mergePairHolds(p.Review)
	sort.Slice(p.Review, func(i, j int) bool {
		x, y := p.Review[i], p.Review[j]
		if x.Kind != y.Kind {
			return x.Kind < y.Kind
		}
		if x.Side != y.Side {
			return x.Side < y.Side
		}
		if x.RecordID != y.RecordID {
			return x.RecordID < y.RecordID
		}
		return x.Field < y.Field
	})
	sort.Slice(p.Skips, func(i, j int) bool {
		x, y := p.Skips[i], p.Skips[j]
		return x.Side < y.Side || x.Side == y.Side && x.ID < y.ID
	})
	c := &p.Counts
	c.Conflicts = len(p.Conflicts)
	c.Review = len(p.Review)
	c.Delete = len(p.Deletes)
}

// nRecords is n of what, a noun with its plural in s: "1 record",
// "2 other records".
func nRecords(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// RetryLine says how many failed records wait in the retry queue and
// when the next is tried ("" when none wait).
func (p *Plan) RetryLine() string {
	if p.RetryWaiting == 0 {
		return ""
	}
	verb := "waits"
	if p.RetryWaiting != 1 {
		verb = "wait"
	}
	return fmt.Sprintf("%s %s to be retried (next try about %s)", nRecords(p.RetryWaiting, "record"), verb, p.RetryNext.Local().Format("15:04"))
}

// retried says that n failed records will be retried, in number.
func retried(n int) string {
	if n == 1 {
		return "it will be retried"
	}
	return "they will be retried"
}
