package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// portalDates are the HubSpot datetimes the ready-made syncs write as
// dates (date:UTC in DemoSyncs): an activity's due date and a deal's close
// date, which HubSpot shows as days in the portal's time zone.
var portalDates = map[string]bool{"hs_timestamp": true, "closedate": true}

// ReadyMadeSyncs is DemoSyncs with each HubSpot task's and call's due date,
// and each deal's close date, in the portal's own time zone, read once
// from the HubSpot connection:
// HubSpot shows hs_timestamp in that zone (its default due time is 8:00
// AM there), so a Tokyo task due 10 December at 8:00 is due on 10
// December in the other CRM, not on the 9th (23:00 UTC), and a date from
// the other CRM is that day's start in the portal. When the zone cannot
// be read the due dates stay in UTC and note says so.
//
// The deals syncs with Salesforce, Zoho and Dynamics check amounts
// against currencies read here too, once per connection (money:B,A: the
// other CRM's currency, then HubSpot's company currency, that of a deal
// without one): a deal in a currency the other CRM does not hold waits
// in review. A currency not read is said in note. note is "" when all
// were read. A multi-currency Salesforce, Zoho or Dataverse org's deals carry their own
// currency (dealCurrencyField): the amount goes as a number beside it.
func (a *App) ReadyMadeSyncs(ctx context.Context, c DemoConnections) (defs []engine.Definition, note string) {
	defs = DemoSyncs(c)
	a.leadCompanyOptional(ctx, defs, c.Salesforce)
	var notes []string
	zone, zerr, portalCur, cerr := a.zoneAndCurrency(ctx, c.HubSpot)
	if zerr != nil {
		notes = append(notes, fmt.Sprintf("The time zone of HubSpot connection %s could not be read (%v): due dates and deals' close dates are synced as dates in UTC, "+
			"so a task due late in the evening or early in the morning may land a day off; set the zone in each sync's date transform (date:ZONE).", c.HubSpot, zerr))
		a.log.Warn("ready-made syncs: HubSpot time zone unread; due dates in UTC", "connection", c.HubSpot, "err", zerr)
	}
	if cerr != nil {
		a.log.Warn("ready-made syncs: HubSpot company currency unread", "connection", c.HubSpot, "err", cerr)
	}
	others := map[string]string{}  // connection -> currency read
	otherErr := map[string]error{} // connection -> why it was not
	for i := range defs {
		if defs[i].A.Connection != c.HubSpot {
			continue
		}
		defs[i].Fields = append(defs[i].Fields[:0:0], defs[i].Fields...) // the definitions share nothing
		for j, f := range defs[i].Fields {
			if zerr == nil && portalDates[f.A] && f.Transform == "date:UTC" {
				defs[i].Fields[j].Transform = "date:" + zone
			}
			// An all-day Event, or a Pipedrive activity with a day and no
			// time, is its days in the portal, as a due date is.
			if name, ok := strings.CutSuffix(f.Transform, ":UTC"); zerr == nil && ok && (name == "allday" || name == "alldayend") {
				defs[i].Fields[j].Transform = name + ":" + zone
			}
			if zerr == nil && f.Transform == "wallclock:UTC" {
				defs[i].Fields[j].Transform = "wallclock:UTC," + zone
			}
		}
		money := slices.IndexFunc(defs[i].Fields, func(f mapping.Field) bool { return strings.HasPrefix(f.Transform, "money:") })
		conn := defs[i].B.Connection
		if money < 0 || conn == "" {
			continue // no amount, or a CRM not connected
		}
		// Read first: Zoho's organization says its currency and whether
		// multi-currency is on at once (dealCurrencyField).
		if _, done := others[conn]; !done && otherErr[conn] == nil {
			cur, err := a.AccountCurrency(ctx, conn)
			if err != nil {
				otherErr[conn] = err
				a.log.Warn("ready-made syncs: currency unread", "connection", conn, "err", err)
			} else {
				others[conn] = cur
			}
		}
		if field := a.dealCurrencyField(ctx, conn, defs[i].B.Object); field != "" {
			blank := portalCur
			if cerr != nil {
				blank = others[conn] // "" when unread: the other CRM's own default
				notes = append(notes, fmt.Sprintf("The company currency of HubSpot connection %s could not be read (%v): deals without a currency are written to %s in %q "+
					"(blank: its own default). If that is not HubSpot's company currency, set the default of the deals sync's deal_currency_code row.", c.HubSpot, cerr, conn, blank))
			}
			defs[i].Fields[money] = mapping.Field{A: "amount", B: defs[i].Fields[money].B, Transform: "number", Together: "amount"}
			// upper: codes are upper-case; it leaves each value to the
			// picklists' options at each run rather than at save, so a
			// currency either side enables later needs no edit, and one
			// the other has not enabled waits in review.
			defs[i].Fields = append(defs[i].Fields, mapping.Field{A: "deal_currency_code", B: field, Transform: "upper", Rule: mapping.UnlessBlank, Default: blank,
				Together: "amount"})
			continue
		}
		spec, n := dealsMoney(c.HubSpot, portalCur, cerr, conn, others[conn], otherErr[conn])
		if errors.As(otherErr[conn], new(missingConnection)) {
			n = "" // a sync with a connection not made is not saved
		}
		if n != "" {
			notes = append(notes, n)
		}
		if spec == "" {
			defs[i].Fields = slices.Delete(defs[i].Fields, money, money+1)
		} else {
			defs[i].Fields[money].Transform = spec
		}
	}
	return defs, strings.Join(notes, "\n\n")
}

// dealCurrencyFields are the deals' own currency field in a multi-currency
// org, by deals object: Salesforce's CurrencyIsoCode (a restricted
// picklist of the org's active currencies), Zoho's Currency and
// Dataverse's transactioncurrencyid (the connectors list the org's active
// currencies as their options, by ISO code).
var dealCurrencyFields = map[string]string{"Opportunity": "CurrencyIsoCode", "Deals": "Currency", "opportunities": "transactioncurrencyid"}

// dealCurrencyField is the currency field of conn's deals object when
// its org has multi-currency on (the field is in its schema), else "".
// With it each deal carries its own currency, so the amount goes as a
// plain number beside it; the org's list of currencies still refuses
// one it has not enabled, before writing.
func (a *App) dealCurrencyField(ctx context.Context, conn, object string) string {
	name, ok := dealCurrencyFields[object]
	if !ok {
		return ""
	}
	s, err := a.OpenConnection(ctx, conn)
	if err != nil {
		return ""
	}
	defer a.closeSession(ctx, s)
	if mc, ok := s.Client.(connector.MultiCurrencier); ok {
		// Cheaper than the schema: a single-currency org's deals schema is
		// left for the run to read.
		if on, err := mc.MultiCurrency(ctx); err != nil || !on {
			if err != nil {
				a.log.Warn("ready-made syncs: multi-currency unread; amounts in the org's one currency", "connection", conn, "err", err)
			}
			return ""
		}
	}
	sch, err := s.Client.Schema(ctx, object) // cached: the ready-made syncs are made again and again
	if err != nil {
		a.log.Warn("ready-made syncs: deals schema unread; amounts in the org's one currency", "connection", conn, "object", object, "err", err)
		return ""
	}
	if f, ok := sch.Field(name); !ok || f.ReadOnly {
		return ""
	}
	return name
}

// dealsMoney is the money transform of a deals sync between HubSpot
// connection hs and conn, from the currencies read of each (or why one
// was not), and a note when one was not. crmsync never converts, so where
// a currency is unknown it is taken to be the other's: a pair of accounts
// in one currency (the common case) syncs as before, and a deal in any
// other currency still waits in review. With neither known there is no
// currency to check against, so the amount is left out of the sync ("")
// rather than written as a bare number in whatever currency the other
// CRM holds.
func dealsMoney(hs, hsCur string, hsErr error, conn, cur string, err error) (spec, note string) {
	switch {
	case hsErr == nil && err == nil:
		return "money:" + cur + "," + hsCur, ""
	case hsErr != nil && err == nil:
		return "money:" + cur, fmt.Sprintf("The company currency of HubSpot connection %s could not be read (%v): deals without a currency are taken to be in %s, "+
			"the currency of %s. If they are not, set the deals sync's amount transform to money:%s,CUR, CUR being HubSpot's company currency.", hs, hsErr, cur, conn, cur)
	case hsErr == nil && err != nil:
		return "money:" + hsCur, fmt.Sprintf("The currency of connection %s could not be read (%v): its deal amounts are taken to be in %s, "+
			"HubSpot's company currency. If they are not, set the deals sync's amount transform to money:CUR,%s, CUR being the currency of %s.", conn, err, hsCur, hsCur, conn)
	}
	return "", fmt.Sprintf("Neither the company currency of HubSpot connection %s (%v) nor the currency of connection %s (%v) could be read: "+
		"the deals sync between them leaves amounts out. Add amount+deal_currency_code ←→ the amount with the transform money:CUR,HUBSPOT_CUR to sync them.", hs, hsErr, conn, err)
}

// AccountZone reads the time zone of the connection's account (a HubSpot
// portal's, a Salesforce or Zoho org's, a Pipedrive user's: any connector
// that is a connector.TimeZoner), checked as a zone the date transform can
// load: the ready-made syncs and the sync editor turn the account's
// datetimes into dates in it ("date:ZONE").
//
// The zone is kept in the connection's metadata cache, as its schemas and
// users are, for connector.MetaTTL (a context marked
// connector.WithFreshSchema reads it again), so the editor's every load
// of a side spends no call on it; a zone that could not be read is not
// kept. A connection whose CRM says no zone answers ErrNoTimeZone.
func (a *App) AccountZone(ctx context.Context, conn string) (string, error) {
	s, err := a.OpenConnection(ctx, conn)
	if err != nil {
		return "", err
	}
	defer a.closeSession(ctx, s)
	return a.sessionZone(ctx, s)
}

// AccountCurrency reads the ISO code of the connection's account's own
// currency (any connector that is a connector.Currencier), kept in the
// metadata cache as AccountZone keeps the zone. A connection whose CRM
// says none answers ErrNoCurrency.
func (a *App) AccountCurrency(ctx context.Context, conn string) (string, error) {
	s, err := a.OpenConnection(ctx, conn)
	if err != nil {
		return "", err
	}
	defer a.closeSession(ctx, s)
	return a.sessionCurrency(ctx, s)
}

// zoneAndCurrency reads both through one session: HubSpot answers both
// with one call.
func (a *App) zoneAndCurrency(ctx context.Context, conn string) (zone string, zerr error, cur string, cerr error) {
	s, err := a.OpenConnection(ctx, conn)
	if err != nil {
		return "", err, "", err
	}
	defer a.closeSession(ctx, s)
	zone, zerr = a.sessionZone(ctx, s)
	cur, cerr = a.sessionCurrency(ctx, s)
	return zone, zerr, cur, cerr
}

func (a *App) sessionZone(ctx context.Context, s *Session) (string, error) {
	tz, ok := s.Client.(connector.TimeZoner)
	if !ok {
		return "", fmt.Errorf("%s %w", s.Info.Title, ErrNoTimeZone)
	}
	return a.accountSetting(ctx, s, zoneKey, tz.TimeZone, func(zone string) error {
		if _, err := time.LoadLocation(zone); err != nil {
			return fmt.Errorf("unknown time zone %q", zone)
		}
		return nil
	})
}

func (a *App) sessionCurrency(ctx context.Context, s *Session) (string, error) {
	cu, ok := s.Client.(connector.Currencier)
	if !ok {
		return "", fmt.Errorf("%s %w", s.Info.Title, ErrNoCurrency)
	}
	return a.accountSetting(ctx, s, currencyKey, cu.Currency, func(code string) error {
		if len(code) != 3 || strings.IndexFunc(code, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
			return fmt.Errorf("%s answered %q, not a currency code", s.Info.Title, code)
		}
		return nil
	})
}

// accountSetting is the setting under key in the session's metadata
// cache, or read and checked and then kept; a setting that could not be
// read, or failed check, is not kept.
func (a *App) accountSetting(ctx context.Context, s *Session, key string, read func(context.Context) (string, error), check func(string) error) (string, error) {
	meta := connector.Meta{Cache: a.metaCache(s.Conn)}
	if !connector.FreshSchema(ctx) {
		if b, ok, _ := meta.Lookup(ctx, key); ok && check(string(b)) == nil {
			return string(b), nil
		}
	}
	v, err := read(ctx)
	if err != nil {
		return "", err
	}
	if err := check(v); err != nil {
		return "", err
	}
	_ = meta.Store(ctx, key, []byte(v)) // the cache's owner logs its failures
	return v, nil
}

// zoneKey and currencyKey keep a connection's account time zone and
// currency in its metadata cache.
const (
	zoneKey     = connector.AccountZoneKey
	currencyKey = "account/currency"
)

// ErrNoTimeZone is AccountZone's answer for a CRM that says no account
// time zone (Dynamics 365, Mailchimp, Klaviyo, Brevo): nothing failed.
var ErrNoTimeZone = errors.New("does not say its time zone")

// ErrNoCurrency is AccountCurrency's answer for a CRM that says no
// account currency (Pipedrive, Mailchimp, Klaviyo, Brevo).
var ErrNoCurrency = errors.New("does not say its currency")
