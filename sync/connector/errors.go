package connector

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Category classifies a failure so the engine can decide what to do next and
// the UI can group errors into health cards.
type Category string

const (
	CatAuth      Category = "auth"       // reconnect needed
	CatRateLimit Category = "rate_limit" // retry later
	CatBudget    Category = "budget"     // daily API budget spent: stop the run cleanly
	// CatAccount is the vendor refusing the account itself (closed, unpaid,
	// over or outside its plan): it stops the run, and only the account's
	// owner can fix it; a reconnect cannot.
	CatAccount Category = "account"
	// CatTarget is the vendor refusing the object's endpoint, table, URL
	// or audience as a whole (retired, deleted, unknown): every record
	// written there would fail the same way, one call each, so the side
	// stops writing for the run and keeps the rest for the next one.
	CatTarget     Category = "target"
	CatValidation Category = "validation" // the record is wrong: fix the data
	CatNotFound   Category = "not_found"
	CatConflict   Category = "conflict" // duplicate or version conflict
	CatServer     Category = "server"   // 5xx, timeout, malformed response
)

// Sentinel errors; every *Error and *RecordError matches one of them with
// errors.Is through its Category.
var (
	ErrAuth       = errors.New("authentication failed; reconnect needed")
	ErrRateLimit  = errors.New("rate limited")
	ErrBudget     = errors.New("API budget exhausted")
	ErrAccount    = errors.New("the vendor refused the account (billing or plan)")
	ErrTarget     = errors.New("the vendor refused the object's endpoint as a whole")
	ErrValidation = errors.New("rejected by validation")
	ErrNotFound   = errors.New("not found")
	ErrConflict   = errors.New("conflict")
	ErrServer     = errors.New("server error")
)

// ErrOrgReserve is the Cause of a budget stop crmsync made itself to
// leave the rest of the org's shared daily allocation to its other
// integrations: neither crmsync's budget nor the vendor refused the call.
var ErrOrgReserve = errors.New("the org's API reserve for its other integrations is reached")

// ErrNoLookup is what a Searcher's Lookup returns for an object or field
// the vendor offers no search for (Pipedrive activities): the caller knows
// then that asking again cannot help.
var ErrNoLookup = errors.New("the vendor offers no search for this object and field")

func sentinel(c Category) error {
	switch c {
	case CatAuth:
		return ErrAuth
	case CatRateLimit:
		return ErrRateLimit
	case CatBudget:
		return ErrBudget
	case CatAccount:
		return ErrAccount
	case CatTarget:
		return ErrTarget
	case CatValidation:
		return ErrValidation
	case CatNotFound:
		return ErrNotFound
	case CatConflict:
		return ErrConflict
	default:
		return ErrServer
	}
}

// Error is a call-level failure: the whole request failed.
type Error struct {
	Vendor     string
	Endpoint   string // e.g. "POST /crm/objects/2026-03/contacts/batch/upsert"
	Status     int
	Category   Category
	Code       string // the vendor's own error code
	Message    string // the vendor's own message, verbatim (never a token)
	RetryAfter time.Duration
	// Cause is the failure underneath, when there is one (a body read cut
	// short by a cancelled context), for errors.Is; Message says it.
	Cause error
}

// Unwrap is the failure underneath: a read cancelled because the other
// side failed is then known for what it is (errors.Is context.Canceled).
func (e *Error) Unwrap() error { return e.Cause }

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: %s", e.Vendor, e.Endpoint)
	if e.Status != 0 {
		s += fmt.Sprintf(": HTTP %d", e.Status)
	}
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Is makes errors.Is(err, ErrRateLimit) etc. work.
func (e *Error) Is(target error) bool { return target == sentinel(e.Category) }

// RecordError is a per-record failure inside a batch.
type RecordError struct {
	Vendor   string
	Object   string
	RecordID string // id or key of the record, when known
	Category Category
	Field    string // the field the vendor blamed, when it named one
	Code     string // e.g. INVALID_EMAIL, REQUIRED_FIELD_MISSING
	Message  string // the vendor's own message, verbatim
	// Duplicates, when the vendor refused the write as a duplicate of
	// records it already holds (Salesforce's duplicate rules), names
	// those records' ids, and DuplicateRule the rule that matched.
	// DuplicatesAllowed says whether the rule lets the write through
	// when sent again acknowledging them (WithDuplicatesAllowed): an
	// "Allow" rule that alerts, not one that blocks.
	Duplicates        []string
	DuplicateRule     string
	DuplicatesAllowed bool
}

func (e *RecordError) Error() string {
	s := e.Vendor + ": " + e.Object
	if e.RecordID != "" {
		s += " " + e.RecordID
	}
	if e.Field != "" {
		s += " field " + e.Field
	}
	s += ": "
	if e.Code != "" {
		s += e.Code + ": "
	}
	return s + e.Message
}

// Is makes errors.Is(err, ErrValidation) etc. work.
func (e *RecordError) Is(target error) bool { return target == sentinel(e.Category) }

// CategoryOf returns the category of any error, defaulting to server.
func CategoryOf(err error) Category {
	var re *RecordError
	if errors.As(err, &re) {
		return re.Category
	}
	var ce *Error
	if errors.As(err, &ce) {
		return ce.Category
	}
	for _, c := range []Category{CatAuth, CatAccount, CatRateLimit, CatBudget, CatTarget, CatValidation, CatNotFound, CatConflict} {
		if errors.Is(err, sentinel(c)) {
			return c
		}
	}
	return CatServer
}

// StatusCategory is the category of a failed HTTP status: 401 and 403 auth,
// 429 rate limit, 404 not found, 409 conflict, any other 4xx validation,
// and the rest server.
func StatusCategory(status int) Category {
	switch {
	case status == 401 || status == 403:
		return CatAuth
	case status == 429:
		return CatRateLimit
	case status == 404:
		return CatNotFound
	case status == 409:
		return CatConflict
	case status >= 400 && status < 500:
		return CatValidation
	}
	return CatServer
}

// Stops reports a failure after which no further call of a run can
// succeed: the run was cancelled, the sign-in or the account was refused,
// the day's API budget is spent, or the object's endpoint was refused as a
// whole (CatTarget, for a record or the call). A connector writing one
// call at a time stops there instead of failing every record that follows.
func Stops(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return true
	}
	var ce *Error
	if errors.As(err, &ce) && StopsRun(ce.Category) {
		return true
	}
	var re *RecordError
	if errors.As(err, &re) && re.Category == CatTarget {
		return true
	}
	// A lost sign-in with no vendor answer (no refresh token to try) is
	// ErrAuth only by its chain; one record's refusal is not the sign-in.
	return !errors.As(err, &re) && errors.Is(err, ErrAuth)
}

// StopsRun reports whether a call refused with category c leaves no
// later call of the run a chance: the sign-in, the account, the day's
// budget or the object's endpoint as a whole. The engine adds a 429 storm
// for the calls it makes, and leaves a record's own CatAuth (no access to
// that record) out for record answers.
func StopsRun(c Category) bool {
	return c == CatAuth || c == CatAccount || c == CatBudget || c == CatTarget
}

// OutcomeUnknown reports whether err leaves a write's outcome unknown:
// the vendor may have carried it out (a 5xx, a broken connection, an
// answer that could not be read), where a refusal says it did not. A
// connector returns such a failure of a create with no idempotency key
// for the whole call, so the engine looks the records up before anything
// is sent again.
func OutcomeUnknown(err error) bool { return CategoryOf(err) == CatServer }

// RecordFailure makes err the failure of one record of vendor's object:
// a *RecordError as it is, a call's *Error with its category, code and
// message, anything else a server error.
func RecordFailure(vendor, object, id string, err error) *RecordError {
	var re *RecordError
	if errors.As(err, &re) {
		return re
	}
	out := &RecordError{Vendor: vendor, Object: object, RecordID: id, Category: CatServer, Message: err.Error()}
	var ce *Error
	if errors.As(err, &ce) {
		out.Category, out.Code, out.Message = ce.Category, ce.Code, ce.Message
	}
	return out
}

// Thousands writes n with comma separators (13,500), as the reserve and
// usage messages quote a vendor's figures.
func Thousands(n int64) string { return message.NewPrinter(language.English).Sprintf("%d", n) }
