// Package connector defines what crmsync needs from a CRM: a schema, an
// incremental read and a batched write, plus optional capabilities found by
// type assertion (rclone's backend-features idea). Connectors never see a
// token: they get an *http.Client from app/auth.
package connector

import (
	"context"
	"iter"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Connector is one authenticated CRM account.
type Connector interface {
	// Schema lists the object's fields with types, required flags and
	// picklist values.
	Schema(ctx context.Context, object string) (Schema, error)
	// Read streams records changed since the cursor, oldest first. A zero
	// cursor reads everything. Each Page carries the cursor to store once
	// that page has been processed, so a crash resumes where it stopped.
	// Memory must not grow with the size of the CRM.
	Read(ctx context.Context, object string, since Cursor) iter.Seq2[Page, error]
	// Write applies ops in batches of the vendor's size and returns exactly
	// one Result per op, in order. A returned error means the call as a
	// whole failed (auth, budget, network) and no Result is trustworthy;
	// per-record failures are reported in Result.Err instead.
	Write(ctx context.Context, object string, ops []Op) ([]Result, error)
}

// ObjectLister is a connector with objects that depend on the account
// besides Info.Objects: Mailchimp has one "members" object per audience.
// The sync editor offers them by their labels.
type ObjectLister interface {
	ListObjects(ctx context.Context) ([]ObjectChoice, error)
}

// ObjectChoice is one object an account offers.
type ObjectChoice struct {
	Name  string // what a sync names: "members:1a2b3c4d5e"
	Label string // what the user reads: `Audience "Newsletter" (members:1a2b3c4d5e)`
	// Note is what the user must know before syncing it, and what to do
	// ("" when all is well): the audience "members" is kept to was deleted.
	Note string
}

// Upserter creates-or-updates by a unique key in one idempotent call
// (HubSpot batch/upsert with idProperty, Salesforce upsert by External ID).
// Replaying the same batch after a crash therefore cannot duplicate.
type Upserter interface {
	// UpsertKey names the field usable as the idempotency key for object,
	// or "" when the object has none.
	UpsertKey(ctx context.Context, object string) (string, error)
	// Upsert writes ops whose Fields contain the key field; ops use OpUpsert.
	Upsert(ctx context.Context, object, keyField string, ops []Op) ([]Result, error)
}

// Searcher looks records up by the value of one field, server side. The
// engine uses it to reconcile a batch a crash left unfinished.
type Searcher interface {
	Lookup(ctx context.Context, object, field string, values []string) ([]Record, error)
}

// Deleter deletes (archives) records by id. Only called when a sync enables
// delete propagation and a person approved the delete in review.
type Deleter interface {
	Delete(ctx context.Context, object string, ids []string) ([]Result, error)
}

// DeletionLister lists records deleted (archived) since a time, for a
// vendor whose incremental read cannot see deletes: HubSpot's search omits
// archived records. The engine asks only for syncs that propagate deletes,
// so the others spend no calls on it. Records come with Deleted set and
// Modified the time of the delete, by the vendor's clock; a zero since
// lists every deleted record the vendor still holds. Salesforce needs no
// lister: its read (queryAll) reports deletes itself.
type DeletionLister interface {
	ListDeleted(ctx context.Context, object string, since time.Time) iter.Seq2[[]Record, error]
}

// DeletesUnseen is implemented by a connector whose reads cannot report
// records deleted in the vendor: Pipedrive's v2 lists leave deleted records
// out, and no endpoint lists them. DeletesUnseen says why for object, or
// returns "" where deletes are seen. The engine then compares ids through
// IDLister; a connector with neither makes every plan of a sync that
// propagates deletes warn, so a delete that cannot reach the other CRM is
// never silent.
type DeletesUnseen interface {
	DeletesUnseen(object string) string
}

// DeleteCascader is implemented by a connector whose vendor deletes other
// records with a record it is asked to delete. DeleteCascades names them
// for object ("" for none), as the vendor documents, so that a person
// reads it in the held delete's review before approving it.
type DeleteCascader interface {
	DeleteCascades(object string) string
}

// IDLister lists the ids of every live record of an object, for a vendor
// that lists no deletes (DeletesUnseen): a record the sync indexed that is
// no longer listed was deleted. The engine compares them at most once a
// day, and only for syncs that propagate deletes.
type IDLister interface {
	ListIDs(ctx context.Context, object string) iter.Seq2[[]string, error]
}

// Associator links an activity (note, task, meeting, call) or a deal to a
// contact or company.
type Associator interface {
	Associate(ctx context.Context, fromObject, fromID, toObject, toID string) error
}

// SideWriter says what an update of object also writes besides its
// fields (HubSpot unsubscribing a new address to keep an opt-out), from
// the record as read (fields) and the update's new values (changes), for
// the preview and the audit. It makes no call. SideReads names the
// fields, beyond the sync's own, that fields must hold for a side write's
// Old to be known (read with the rest: no extra call); a side write whose
// Old fields did not hold has Old NotRead.
type SideWriter interface {
	SideWrites(object string, fields, changes map[string]string) []SideWrite
	SideReads(object string) []string
}

// Resetter is implemented by a connector whose vendor resets fields of a
// record along with another it is written (Dataverse's WinOpportunity and
// LoseOpportunity, an opportunity's statecode, date its Actual Close Date
// today and take its Actual Revenue from the close). Resets names them for
// object and the field written; an update writing that field gets in
// Op.Keep the values the record holds in those of them the sync reads and
// the update leaves as they are.
type Resetter interface {
	Resets(object, field string) []string
}

// NotRead is a SideWrite's Old when the record as read did not hold it:
// unknown, not blank, so an undo cannot write it back.
const NotRead = "(not read)"

// SideWrite is one such write: what it sets (a field, or what is no
// field, such as an address's subscription) from Old to New, and Note,
// the preview's words for it. OptOut marks an unsubscribe, which an undo
// cannot reverse.
type SideWrite struct {
	Field, Old, New, Note string
	OptOut                bool
}

// ModifiedResolver is implemented by a connector whose vendor keeps a
// record's modified time in coarser steps than a time.Time: whole seconds
// for Zoho's Modified_Time, Dataverse's modifiedon, Pipedrive's
// update_time, Salesforce's LastModifiedDate (stamped ".000"),
// Mailchimp's last_changed and Klaviyo's updated. Two
// edits in one such step cannot be ordered, so the engine's newer policy
// compares both sides' times at the coarser side's resolution and holds a
// tie for a person. A connector without it keeps times as finely as it
// reads them (HubSpot's milliseconds).
type ModifiedResolver interface {
	ModifiedResolution(object string) time.Duration
}

// TimeZoner reads the account's time zone, as the vendor names it (an
// IANA name, or a legacy one such as "US/Eastern" that
// time.LoadLocation also reads): the zone its users see dates in, so a
// datetime that stands for a day (a task's due date) becomes that day.
type TimeZoner interface {
	TimeZone(ctx context.Context) (string, error)
}

// Currencier reads the account's own currency, its ISO 4217 code (a
// HubSpot portal's company currency, a Salesforce org's corporate one, a
// Zoho org's home one, a Dataverse organization's base one): the currency
// an amount without one is in, and, in a single-currency account, every
// amount's.
type Currencier interface {
	Currency(ctx context.Context) (string, error)
}

// MultiCurrencier says whether the account holds deals in several
// currencies (a Zoho organization's mc_status), so the deals' own currency
// field is looked for only where it can be.
type MultiCurrencier interface {
	MultiCurrency(ctx context.Context) (bool, error)
}

// Cursor is a connector-defined resume point for incremental reads. The
// empty cursor means "read everything".
type Cursor string

// Page is one page of records plus the cursor that follows it.
type Page struct {
	Records []Record
	Cursor  Cursor
}

// Record is one CRM record. Fields hold vendor field names mapped to
// canonical string values: "" is a blank, an absent key means "not read".
type Record struct {
	ID       string
	Fields   map[string]string
	Modified time.Time
	Deleted  bool
	// MergedInto is, for a deleted record, the record a person merged it
	// into, where the vendor says so (Salesforce's MasterRecordId): the
	// person it stood for lives on there.
	MergedInto string
}

// FieldType is the canonical type the mapping layer reasons about.
type FieldType string

const (
	TypeString   FieldType = "string"
	TypeText     FieldType = "text"
	TypeEmail    FieldType = "email"
	TypePhone    FieldType = "phone"
	TypeNumber   FieldType = "number"
	TypeBool     FieldType = "bool"
	TypeDate     FieldType = "date"     // YYYY-MM-DD
	TypeDateTime FieldType = "datetime" // RFC 3339 in UTC
	TypeEnum     FieldType = "enum"     // picklist; Options lists allowed values
	// TypeMulti is a multi-select picklist. Connectors read and write its
	// value as the selected option values joined by MultiSep, whatever the
	// vendor's wire form (a JSON array, ids joined by commas); the mapping
	// layer puts the set into one order, so a vendor reordering it is no
	// change.
	TypeMulti FieldType = "multi"
	TypeID    FieldType = "id" // record id or reference
)

// MultiSep separates the values of a TypeMulti field: HubSpot's and
// Salesforce's own separator.
const MultiSep = ";"

// SplitMulti splits a TypeMulti value into its values: trimmed, blanks
// left out, each value once, in the order given.
func SplitMulti(v string) []string {
	var out []string
	for p := range strings.SplitSeq(v, MultiSep) {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// Field describes one field of an object.
type Field struct {
	Name     string
	Label    string
	Type     FieldType
	Required bool // must be present on create
	ReadOnly bool
	Unique   bool // usable as an upsert key
	Options  []Option
	// Unrestricted marks a picklist the vendor stores any value in, as
	// written (a Salesforce picklist no admin restricted): Options are
	// its known values, not a limit.
	Unrestricted bool
	MaxLen       int // 0 = unknown
	// Scale is the number of decimal places the vendor rounds a number
	// to when it stores it (a Dataverse money column's Precision); 0 =
	// it keeps what it is sent, or refuses a fraction; WholeNumbers = it
	// rounds to whole numbers (a Zoho currency of decimal_place 0). A
	// value written with more places reads back rounded, which must not
	// look like an edit of the record.
	Scale int
	// ScaleBy names a field of the same record whose value (a currency
	// code) picks the places the number is stored at, from Scales: a
	// Dataverse money column at its row's currency's precision. A record
	// without the field takes Scales[""]; a value not in Scales, Scale.
	// Unlike Scale, 0 in Scales is whole numbers.
	ScaleBy string
	Scales  map[string]int
	// Double marks a number the vendor keeps as an IEEE 754 double (a
	// JSON number parsed to float64: Zoho, Pipedrive): a value with more
	// significant digits than a double holds reads back rounded to the
	// nearest double, which must not look like an edit of the record.
	Double bool
	// Lower marks a text field the vendor stores lower-cased whatever
	// case it is sent (a HubSpot contact's email): the value read back in
	// another case than written must not look like an edit of the record.
	Lower bool
	// Default is what the vendor reads back for a field a create left
	// out, when that is not blank: a Salesforce or Dynamics 365 checkbox
	// is "false" (or "true") from the start. The engine indexes a created
	// record with it, so the record read back matches what was written.
	Default string
	// KeepOnBlank marks a field a blank written to leaves as it is (a
	// HubSpot association: set, never removed), so an undo says so
	// rather than record a clear that never happened.
	KeepOnBlank bool
	// Controller names the field of the same record whose value decides
	// which of this picklist's options it may hold (a Salesforce dependent
	// picklist: a state under its country); ValidFor lists, per option
	// value, the controller values it is valid with.
	Controller string
	ValidFor   map[string][]string
	// SecondaryOf names the field this one holds further values of,
	// joined by MultiSep (HubSpot's hs_additional_emails: a contact's
	// other emails, kept by a merge). A sync matching on that field looks
	// them up too before it creates the record elsewhere.
	SecondaryOf string
}

// WholeNumbers is a Field.Scale of 0 places: the vendor rounds a
// fraction away (Scale 0 says it keeps what it is sent).
const WholeNumbers = -1

// Option is one allowed picklist value. Email is set on the options of an
// owner field (a user, by id): it is what matches a user across tools
// (mapping's owner transform).
type Option struct{ Value, Label, Email string }

// Schema is an object's field list.
type Schema struct {
	Object string
	Fields []Field
}

// Field returns the named field and whether it exists.
func (s Schema) Field(name string) (Field, bool) {
	for _, f := range s.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// OpKind says what a write does.
type OpKind int

const (
	OpCreate OpKind = iota + 1
	OpUpdate
	OpUpsert
)

// Op is one record write. Fields holds only the fields to change.
type Op struct {
	Kind   OpKind
	ID     string // OpUpdate: the record id
	Fields map[string]string
	// Was holds, for an update, what the plan read in the record's
	// changed fields (nil = unknown). Most connectors ignore it; HubSpot
	// needs it to clear a lifecycle stage before moving it backward.
	Was map[string]string
	// Keep holds, for an update, fields the write does not change but its
	// vendor would reset along with one it does (a Resetter's), with the
	// values the record holds; the connector sends them where it can so
	// they stay. It is no change: nothing is audited for it.
	Keep map[string]string
}

// Result is the outcome of one Op.
type Result struct {
	ID      string // the record's id when it succeeded
	Created bool
	Err     error // nil, or a *RecordError
	// Was is, for an upsert that found its record (Created false), the
	// fields it held before, where the vendor's answer or a read the
	// connector made anyway tells; nil = unknown.
	Was map[string]string
}

// Account is what the app knows about a connected account, stored in
// SQLite (never secret).
type Account struct {
	ID      string
	Name    string
	APIBase string // e.g. Salesforce instance_url, Pipedrive api_domain
	// DailyBudget caps API calls per day for this connection (0 = no cap);
	// UsedToday reports calls already spent today (may be nil). Connectors
	// pass both to sync/connector/transport so a run stops cleanly at the cap.
	DailyBudget int64
	UsedToday   func() int64
	// ReservePercent is the share of the vendor's org-wide daily
	// allocation, in percent, a run leaves to the account's other
	// integrations (Salesforce's Sforce-Limit-Info, Pipedrive's daily
	// token budget); 0 = none.
	ReservePercent int
	// Meta caches this connection's vendor metadata between runs (nil =
	// no cache: tests, conformance, one-off tools).
	Meta MetaCache
	// Logger receives the connector's warnings (retries that failed, a
	// slowed pace); nil = none.
	Logger *slog.Logger
	// Limiters are the connection's rate limiters, shared by its sessions
	// (nil = this connector's own).
	Limiters *Limiters
	// RetryMinWait is the first step of the back-off between retries of a
	// failed call (transport.Options.MinWait); 0 = the connector's own.
	// Tests set it small, so a 5xx storm costs milliseconds, not seconds.
	RetryMinWait time.Duration
	// LookupLag replaces the wait for a vendor's search index before a
	// lookup after a lost create (LookupLagger); 0 = the connector's own.
	// Only for a sandbox whose index does not lag: tests set it small.
	LookupLag time.Duration
	// PollFirst is the first wait before polling a vendor's asynchronous
	// job (Brevo's import process), doubling after; 0 = the connector's own.
	// Tests set it small: the same polls, without seconds between them.
	PollFirst time.Duration
	// Now is the app's clock, for work done at most once a day (HubSpot's
	// look-back read); nil = time.Now.
	Now func() time.Time
}

// OAuthSpec describes a vendor's OAuth endpoints and what it supports.
type OAuthSpec struct {
	AuthURL, TokenURL, RevokeURL string
	Scopes                       []string
	PKCE                         bool
	// TokenRoute is true when the vendor offers a pasteable API key
	// (HubSpot service key, Pipedrive API token).
	TokenRoute  bool
	TokenHeader string // header for the token route; "" = Authorization: Bearer
	// TokenScheme is the token route's Authorization scheme when it is not
	// Bearer (Klaviyo's private keys: "Klaviyo-API-Key").
	TokenScheme string
	// ClientBasic sends the OAuth client's id and secret to the token and
	// revoke endpoints by HTTP Basic, not in the form (Klaviyo).
	ClientBasic bool
	// TokenBasic sends the token route's key as the password of HTTP Basic
	// authentication, the form Mailchimp documents for API keys.
	TokenBasic bool
	// DiscoverScheme is the Authorization scheme of Info.Discover's call
	// when it differs from AuthScheme (Mailchimp's metadata wants "OAuth").
	DiscoverScheme string
	DocsURL        string // where an admin registers the app and redirect URI
	// AuthScheme is the Authorization scheme of API calls with an OAuth
	// access token; "" = Bearer (Zoho: "Zoho-oauthtoken").
	AuthScheme string
	// AuthParams are added to the consent page's URL (Zoho:
	// access_type=offline, without which it issues no refresh token).
	AuthParams map[string]string
	// AccountsServers are the hosts a sign-in answer may move the token
	// exchange to: Zoho redirects with the accounts-server of the
	// organization's data centre (accounts.zoho.eu, ...).
	AccountsServers []string
	// APIHosts are the hosts (and their subdomains) an API base named in
	// a token answer may be on, over https (Pipedrive: pipedrive.com);
	// any other is refused, since every request there carries the token.
	APIHosts []string
	// ScopeRefusals are the error codes of a 401 that refuses a scope the
	// sign-in lacks (Zoho: OAUTH_SCOPE_MISMATCH). A refreshed token has
	// the same scopes, so such a 401 is answered as it is, not with a
	// refresh: Zoho allows ten refreshes in ten minutes.
	ScopeRefusals []string
	// ContactScopes are the scopes, any one of which lets a sign-in read
	// the vendor's people, for a vendor that sets an app's scopes on the
	// app rather than in the sign-in URL (Pipedrive: contacts:full or
	// contacts:read), so a grant may lack them. A sign-in whose token
	// answer names its scopes without one of these is refused at connect.
	ContactScopes []string
}

// Info describes a vendor as data.
type Info struct {
	Name      string // "hubspot"
	Title     string // "HubSpot"
	OAuth     OAuthSpec
	BatchSize int
	PageSize  int
	APIBase   string   // default production API base; sandbox overrides
	Objects   []string // vendor object names for contacts, companies, deals...
	// ObjectLabels names what an object holds where its API name does not
	// say ("annotations": "Notes"); the editor shows both.
	ObjectLabels map[string]string
	// Contacts names the vendor object that holds people ("contacts", "Contact").
	Contacts string
	New      func(client *http.Client, acct Account) (Connector, error)
	// BaseFromToken names the API base a pasted API key belongs to, for a
	// vendor whose keys carry their data center (Mailchimp's "-us6"). nil =
	// a key says nothing of it.
	BaseFromToken func(token string) (string, error)
	// Discover asks the vendor, right after the OAuth flow, for what its
	// token response leaves out: the account's API base and name
	// (Mailchimp's metadata endpoint). client carries the new token;
	// tokenURL locates the vendor's login server. nil = the token response
	// says it all.
	Discover func(ctx context.Context, client *http.Client, tokenURL string) (Discovery, error)
	// Identify asks the API at base, right after the OAuth flow, which
	// account signed in, for a vendor whose token response names it only
	// by what can change (Pipedrive's company domain). client carries the
	// new token. nil = the token response's identity is stable.
	Identify func(ctx context.Context, client *http.Client, base string) (Discovery, error)
	// Verify makes the vendor's cheapest authenticated read at base with
	// a pasted API key (client carries it), so a key the vendor refuses
	// is refused at connect, not at the first run; it names the account
	// where the answer does (AccountID "" = not known). nil = not checked.
	Verify func(ctx context.Context, client *http.Client, base string) (Discovery, error)
}

// Discovery is what Info.Discover learns about a newly connected account.
type Discovery struct {
	APIBase, AccountID, AccountName string
}

// ObjectChoices is the vendor's fixed objects as the editor offers them:
// "Notes (annotations)" for one with a label, its name otherwise.
func (i Info) ObjectChoices() []ObjectChoice {
	out := make([]ObjectChoice, len(i.Objects))
	for k, o := range i.Objects {
		out[k] = ObjectChoice{Name: o, Label: o}
		if l := i.ObjectLabels[o]; l != "" {
			out[k].Label = l + " (" + o + ")"
		}
	}
	return out
}

// NeedsAPIBase says whether connecting needs the user to give the API
// address (Dynamics 365's organization URL): the vendor has no single one,
// and does not say which after sign-in.
func (i Info) NeedsAPIBase() bool { return i.APIBase == "" && i.Discover == nil }
